"""The README's "Who may do what" table, computed from the predicates: each action is tried by each kind of user
on a sample project (its DMP, a record and a data policy in the state where the action is offered), built in a
transaction that is rolled back. `manage.py permission_table` prints it; `--write` puts it into README.md."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import translation

from dmp import permissions as dmp_permissions
from dmp.models import DMP, DMPTemplate, Project, ProjectMember
from metadata import permissions as metadata_permissions
from metadata.deposit.permissions import can_deposit_managed_data
from metadata.models import ManagedData
from metadata.vocabularies import Status
from policy import permissions as policy_permissions
from policy.models import DataPolicy, FundingProgram
from portal.models import Funder, Institution, Role, RoleAssignment, User
from portal.permissions import can_manage_roles

START, END = "<!-- permission-table:start -->", "<!-- permission-table:end -->"
README = Path(settings.BASE_DIR) / "README.md"
# The kinds of user, as columns: their heading and the roles they hold at the sample institution.
COLUMNS = (
    ("PI", (Role.RESEARCHER,)),
    ("Editor", (Role.RESEARCHER,)),
    ("Reader", (Role.RESEARCHER,)),
    ("Reviewer", (Role.REVIEWER,)),
    ("Librarian", (Role.LIBRARIAN,)),
    ("Institution admin", (Role.INSTITUTION_ADMIN,)),
    ("Funder officer", ()),
    ("Operator", ()),
    ("Anyone", ()),
    ("Editor + reviewer + librarian", (Role.RESEARCHER, Role.REVIEWER, Role.LIBRARIAN)),
)
LEGEND = ("PI: the project's principal investigator; Editor / Reader: a project member who may / may not edit;\n"
          "Funder officer: of the project's funder; Operator: `is_superuser`; Anyone: not signed in.")


def _users(institution, funder) -> list:
    users = []
    for number, (heading, roles) in enumerate(COLUMNS):
        if heading == "Anyone":
            users.append(AnonymousUser())
            continue
        user = User.objects.create(email=f"permission-table-{number}@example.invalid",
                                   is_staff=heading == "Operator", is_superuser=heading == "Operator")
        for role in roles:
            RoleAssignment.objects.create(user=user, role=role, institution=institution)
        if heading == "Funder officer":
            RoleAssignment.objects.create(user=user, role=Role.FUNDER_OFFICER, funder=funder)
        users.append(user)
    return users


def _in_state(obj, state):
    obj.status = state
    return obj


def _rows(users, institution, funder) -> list[tuple[str, list[bool]]]:
    pi, editor, reader, *_others, both = users
    project = Project.objects.create(institution=institution, program=FundingProgram.objects.create(
                                         funder=funder, name_ja="事業"),
                                     grant_number="PERMISSIONTABLE", name_ja="課題", research_field="289", pi=pi)
    for member, can_edit in ((editor, True), (reader, False), (both, True)):
        ProjectMember.objects.create(project=project, user=member, can_edit=can_edit)
    dmp = DMP.objects.create(project=project, template=DMPTemplate.objects.create(key="permission-table",
                                                                                 title_ja="様式"), created_by=pi)
    record = ManagedData.objects.create(project=project, institution=institution, title_ja="データ", created_by=pi)
    policy = DataPolicy.objects.create(institution=institution, title_ja="データポリシー")
    checks = [
        ("Create a project and its DMP", lambda u: dmp_permissions.can_create_project(u, institution)),
        *((f"DMP: {action.replace('_', ' ')} ({state.label.lower()})",
           lambda u, a=action, s=state: a in dmp_permissions.allowed_actions(u, _in_state(dmp, s)))
          for action, state in (("edit", DMP.Status.DRAFT), ("edit_project", DMP.Status.DRAFT),
                                ("submit", DMP.Status.DRAFT), ("withdraw", DMP.Status.SUBMITTED),
                                ("request_changes", DMP.Status.SUBMITTED), ("approve", DMP.Status.SUBMITTED),
                                ("revise", DMP.Status.APPROVED))),
        ("DMP: comment on a submitted version", lambda u: dmp_permissions.can_comment_dmp(u, dmp)),
        ("Managed data: create", lambda u: metadata_permissions.can_create_managed_data(u, project)),
        *((f"Managed data: {action.replace('_', ' ')} ({state.label.lower()})",
           lambda u, a=action, s=state: a in metadata_permissions.allowed_actions(u, _in_state(record, s)))
          for action, state in (("edit", Status.DRAFT), ("submit", Status.DRAFT), ("return", Status.SUBMITTED),
                                ("publish", Status.SUBMITTED), ("withdraw", Status.PUBLISHED),
                                ("new_version", Status.PUBLISHED))),
        (f"Managed data: deposit ({Status.PUBLISHED.label.lower()})",
         lambda u: can_deposit_managed_data(u, _in_state(record, Status.PUBLISHED))),
        *((f"Data policy: {action} ({policy.get_status_display().lower()})",
           lambda u, a=action: a in policy_permissions.allowed_actions(u, policy))
          for action in policy_permissions.ACTION_PERMISSIONS),
        ("Assign roles at the institution", lambda u: can_manage_roles(u, institution)),
        ("Institution dashboards", lambda u: policy_permissions.can_view_institution_dashboard(u, institution)),
        ("Funder dashboards", lambda u: policy_permissions.can_view_funder_dashboard(u, funder)),
        ("Import funding programs", policy_permissions.can_import_programs),
    ]
    return [(label, [bool(check(user)) for user in users]) for label, check in checks]


def permission_table() -> str:
    """The table as Markdown, with its legend."""
    with transaction.atomic(), translation.override("en"):
        institution = Institution.objects.create(name_ja="機関", kind=Institution.Kind.OTHER, code="PERMISSION-TABLE")
        funder = Funder.objects.create(code="PERMISSION-TABLE", name_ja="配分機関")
        rows = _rows(_users(institution, funder), institution, funder)
        transaction.set_rollback(True)
    lines = ["| action | " + " | ".join(heading for heading, _roles in COLUMNS) + " |",
             "|---" * (len(COLUMNS) + 1) + "|"]
    lines += [f"| {label} | " + " | ".join("✓" if allowed else "" for allowed in cells) + " |"
              for label, cells in rows]
    return "\n".join([*lines, "", LEGEND])


def readme_table(text: str) -> str:
    """The table as README.md has it (between its markers)."""
    return text.split(START, 1)[1].split(END, 1)[0].strip()


class Command(BaseCommand):
    help = "Print the README's 'Who may do what' table, computed from the predicates (--write updates README.md)."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="Replace the table in README.md.")

    def handle(self, *args, write=False, **options):
        table = permission_table()
        if not write:
            self.stdout.write(table)
            return
        before, rest = README.read_text().split(START, 1)
        README.write_text(f"{before}{START}\n{table}\n{END}{rest.split(END, 1)[1]}")
        self.stdout.write(f"Updated {README}")

"""One permission surface (issue #11): the `can_*` predicates in each app's `permissions.py` and the row rules
in its `querysets.py` decide, and nothing else does. The source holds no role or status string and no
`is_staff`/`is_superuser` test outside those files (and models and settings); every page shows exactly the
action buttons `allowed_actions` grants, for every kind of user; the API refuses the others."""

import ast
import re
from pathlib import Path

import lxml.html
import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from dmp import permissions as dmp_permissions
from dmp.models import DMP, ProjectMember
from dmp.services import dmp_submit, template_load_shipped
from metadata import permissions as metadata_permissions
from metadata.deposit.models import DepositJob, Repository
from metadata.deposit.permissions import can_deposit_managed_data
from metadata.management.commands.permission_table import README, permission_table, readme_table
from metadata.models import ManagedData
from metadata.sheet.models import SheetImport
from metadata.vocabularies import Status
from policy import permissions as policy_permissions
from policy.models import DataPolicy
from portal.models import Role, RoleAssignment
from tests.dmp.factories import complete, make_dmp
from tests.factories import FundingProgramFactory, InstitutionFactory, UserFactory, make_record, user_with_role

ROOT = Path(settings.BASE_DIR)

# --- (a) No role or status string, no is_staff/is_superuser test, outside the deciding files ----------------

# The words that name a role or a state. SheetImport's states count too, but its "done" is an everyday word.
CODES = frozenset(Role.values + DMP.Status.values + Status.values + DataPolicy.Status.values
                  + DepositJob.State.values + [v for v in SheetImport.Status.values if v != "done"])
SCANNED = ("portal", "dmp", "metadata", "policy", "templates")
# Where roles, states and the operator flags may be named: the state tables, the row rules, the predicates,
# the settings and the metadata vocabularies (the values the common metadata elements take).
DECIDING_FILES = {"models.py", "querysets.py", "permissions.py", "settings.py", "vocabularies.py"}
# Dashboards are being moved into one shell and their audience rules converted (issue #11, helper hF); the
# merger removes this exclusion once that lands.
GETTEXT = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
KEYED_CALLS = {"get", "Column"}  # their first argument names a slot (a mapping's key, a table's column)
# A test reads the attribute (`user.is_staff`); the field's name in ModelAdmin options or in a create's
# `defaults` (`"is_staff"`) names a column and is not one.
OPERATOR_FLAGS = {"is_staff", "is_superuser"}
# In templates: a role or state compared in a tag, or a test of the operator flags or of the role codes.
TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
TEMPLATE_WORD = re.compile(r"[\"'](\w+)[\"']")
TEMPLATE_FLAG = re.compile(r"\b(is_staff|is_superuser|user_roles)\b")


def _scanned_files(suffix):
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob(f"*{suffix}")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or path.name in DECIDING_FILES:
                continue
            yield relative, path


def _python_offences(source: str):
    """String constants naming a role or state, except where a string is a name rather than a value (a dict
    key, a subscript, the key given to `.get` or a table `Column`) or text for people (a docstring, a message
    to translate); and every read of `.is_staff`/`.is_superuser`. Role look-ups by hand (`has_role`,
    `role_assignments__role`) count too: they belong in a predicate or a queryset method."""
    tree = ast.parse(source)
    exempt, offences = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            exempt.update(id(key) for key in node.keys if key is not None)
        elif isinstance(node, ast.Subscript):
            exempt.add(id(node.slice))
        elif isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in GETTEXT:
                exempt.update(id(arg) for arg in node.args)
            elif name in KEYED_CALLS and node.args:
                exempt.add(id(node.args[0]))
        elif isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
                exempt.add(id(node.body[0].value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value in CODES and id(node) not in exempt:
            offences.append((node.lineno, f"the string {node.value!r}"))
        elif isinstance(node, ast.Attribute) and node.attr in OPERATOR_FLAGS:
            offences.append((node.lineno, f"a test of .{node.attr}"))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "has_role":
            offences.append((node.lineno, "a role look-up by hand (has_role)"))
        elif isinstance(node, ast.keyword) and node.arg and node.arg.startswith("role_assignments__role"):
            offences.append((node.value.lineno, "a role look-up by hand (role_assignments__role)"))
    return sorted(offences)


def _template_offences(source: str):
    for match in TEMPLATE_TAG.finditer(source):
        tag = match.group()
        line = source.count("\n", 0, match.start()) + 1
        if tag.startswith(("{% translate", "{% blocktranslate")):
            continue
        for word in TEMPLATE_WORD.findall(tag):
            if word in CODES:
                yield line, f"the string {word!r}"
        for flag in TEMPLATE_FLAG.findall(tag):
            yield line, f"a test of {flag}"


def test_no_role_or_status_string_and_no_operator_test_outside_the_deciding_files():
    offences = [f"{relative}:{line}: {what}"
                for relative, path in _scanned_files(".py")
                for line, what in _python_offences(path.read_text())]
    offences += [f"{relative}:{line}: {what}"
                 for suffix in (".html", ".txt")
                 for relative, path in _scanned_files(suffix)
                 for line, what in _template_offences(path.read_text())]
    assert offences == [], "use the enums, a model property or a predicate instead:\n" + "\n".join(offences)


def test_the_scan_finds_what_it_looks_for():
    """The rule itself: a status compared, a role filtered by hand and an operator test are found; a dict key,
    a message to translate and a model property are not."""
    python = ('if record.status == "published" and user.is_superuser:\n'
              '    x = {"published": _("published")}[kind]\n'
              'User.objects.filter(role_assignments__role=Role.REVIEWER)\n')
    assert [line for line, _what in _python_offences(python)] == [1, 1, 3]
    template = ('{% if record.status == "published" %}{% endif %}{% if record.is_published %}{% endif %}\n'
                '{% if "reviewer" in user_roles or user.is_staff %}{% endif %}{% translate "draft" %}')
    assert [line for line, _what in _template_offences(template)] == [1, 2, 2, 2]


# --- (b) Every page shows exactly the actions allowed_actions grants, to every kind of user ------------------

ROLES = ("pi", "member", "reviewer", "librarian", "institution_admin", "funder_officer", "operator", "anonymous",
         "reviewer_pi", "librarian_pi")
RECORD_STATES = (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED)


@pytest.fixture
def world(db):
    """One institution's project with a draft and a submitted DMP, records in three states, a repository, a
    draft and an adopted data policy; and one user of each kind. The PI of the "…_pi" kinds also holds that
    role at the institution."""
    template_load_shipped()
    institution = InstitutionFactory()
    program = FundingProgramFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    pi = user_with_role(Role.RESEARCHER, institution=institution)
    for extra in (Role.REVIEWER, Role.LIBRARIAN):
        RoleAssignment.objects.create(user=UserFactory(), role=extra, institution=institution)
    member = user_with_role(Role.RESEARCHER, institution=institution)
    draft = make_dmp(pi=pi, institution=institution, program=program)
    submitted = complete(make_dmp(pi=pi, institution=institution, program=program))
    dmp_submit(dmp_id=submitted.pk, actor=pi)
    submitted.refresh_from_db()
    for dmp in (draft, submitted):
        ProjectMember.objects.create(project=dmp.project, user=member, role=ProjectMember.Role.CONTRIBUTOR,
                                     can_edit=False)
    records = [make_record(project=draft.project, status=state, librarian=librarian, title_en=f"Data {state}")
               for state in RECORD_STATES]
    Repository.objects.create(institution=institution, kind=Repository.Kind.INVENIORDM, name_ja="リポジトリ",
                              name_en="Repository", base_url="https://repository.example.ac.jp")
    policies = [DataPolicy.objects.create(institution=institution, title_ja="データポリシー", status=status,
                                          adopted_on="2024-04-01" if status == DataPolicy.Status.ADOPTED else None)
                for status in (DataPolicy.Status.DRAFT, DataPolicy.Status.ADOPTED)]
    users = {
        "pi": pi, "member": member, "librarian": librarian,
        "reviewer": user_with_role(Role.REVIEWER, institution=institution),
        "institution_admin": user_with_role(Role.INSTITUTION_ADMIN, institution=institution),
        "funder_officer": user_with_role(Role.FUNDER_OFFICER, funder=program.funder),
        "operator": UserFactory(is_staff=True, is_superuser=True),
    }
    return {"institution": institution, "pi": pi, "users": users, "dmps": [draft, submitted], "records": records,
            "policies": policies}


def viewer(world, role):
    """The user of kind `role` (None for anonymous); the "…_pi" kinds are the PI with that role besides."""
    if role == "anonymous":
        return None
    if role.endswith("_pi"):
        extra = {"reviewer_pi": Role.REVIEWER, "librarian_pi": Role.LIBRARIAN}[role]
        RoleAssignment.objects.create(user=world["pi"], role=extra, institution=world["institution"])
        return world["pi"]
    return world["users"][role]


def shown_actions(client, url) -> set[str]:
    """The `data-action` buttons of the page at `url` (none when the page is not shown to this user)."""
    response = client.get(url)
    if response.status_code != 200:
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        return set()
    return set(lxml.html.fromstring(response.content).xpath("//*[@data-action]/@data-action"))


def as_role(client, world, role):
    user = viewer(world, role)
    if user is not None:
        client.force_login(user)
    return user or AnonymousUser()


def assert_pages_show_exactly_the_allowed_actions(client, world, role, user):
    for dmp in world["dmps"]:
        assert shown_actions(client, dmp.get_absolute_url()) == set(dmp_permissions.allowed_actions(user, dmp)), (
            role, dmp.status)
    for record in world["records"]:
        expected = set(metadata_permissions.allowed_actions(user, record))
        if can_deposit_managed_data(user, record):
            expected.add("deposit")  # the deposit panel of the record's page
        assert shown_actions(client, record.get_absolute_url()) == expected, (role, record.status)
    for policy in world["policies"]:
        assert shown_actions(client, policy.get_absolute_url()) == set(
            policy_permissions.allowed_actions(user, policy)), (role, policy.status)
    assert shown_actions(client, reverse("policy:program-list")) == (
        {"import"} if policy_permissions.can_import_programs(user) else set())


def _listed(client, url) -> set[str]:
    response = client.get(url)
    if response.status_code != 200:
        return set()
    return set(lxml.html.fromstring(response.content).xpath("//main//table//a/@href"))


def assert_queues_list_exactly_what_the_user_may_decide(client, world, role, user):
    """The review and curation queues (row rules in querysets.py) agree with the predicates: a submitted DMP or
    record is listed exactly when its decisions are among the user's allowed actions."""
    submitted_dmp = world["dmps"][1]
    submitted_record = world["records"][1]
    may_decide = "approve" in dmp_permissions.allowed_actions(user, submitted_dmp)
    assert (submitted_dmp.get_absolute_url() in _listed(client, reverse("dmp:dmp-review-queue"))) == may_decide, role
    may_curate = "publish" in metadata_permissions.allowed_actions(user, submitted_record)
    assert (submitted_record.get_absolute_url() in _listed(client, reverse("metadata:curation-queue"))) == may_curate, (
        role)


DMP_API = {"submit": "submit", "withdraw": "withdraw", "approve": "approve", "request_changes": "request-changes",
           "revise": "revise"}
RECORD_API = {"submit": "submit", "return": "return-", "publish": "publish", "withdraw": "withdraw",
              "new_version": "new-version"}


def assert_api_refuses_every_action_the_pages_do_not_offer(client, world, role, user):
    """An action the state allows but the user may not take answers 403 (404 where the user does not see the
    object, 401/403 to anonymous) and changes nothing."""
    for dmp in world["dmps"]:
        allowed = dmp_permissions.allowed_actions(user, dmp)
        for action in [a for a in dmp.actions() if a not in allowed]:
            response = client.post(reverse(f"dmp:dmp-api-{DMP_API[action]}", args=[dmp.pk]),
                                   {"message": "No."}, content_type="application/json")
            assert response.status_code in (401, 403, 404), (role, action, response.status_code)
            assert DMP.objects.get(pk=dmp.pk).status == dmp.status
    for record in world["records"]:
        allowed = metadata_permissions.allowed_actions(user, record)
        offered = record.actions() + (["new_version"] if record.is_published else [])
        for action in [a for a in offered if a not in allowed]:
            name = "api-managed-data-" + RECORD_API[action]
            response = client.post(reverse(f"metadata:{name}", args=[record.pk]), {"message": "No."},
                                   content_type="application/json")
            assert response.status_code in (401, 403, 404), (role, action, response.status_code)
            assert ManagedData.objects.get(pk=record.pk).status == record.status


@pytest.mark.parametrize("role", ROLES)
def test_pages_queues_and_api_agree_with_the_predicates(client, world, role):
    """Each kind of user sees on every page exactly the buttons `allowed_actions` grants, finds in the queues
    exactly what they may decide, and is refused by the API everything else. (One test per kind of user: the
    checks only read, so they share one set of data.)"""
    user = as_role(client, world, role)
    assert_pages_show_exactly_the_allowed_actions(client, world, role, user)
    assert_queues_list_exactly_what_the_user_may_decide(client, world, role, user)
    assert_api_refuses_every_action_the_pages_do_not_offer(client, world, role, user)


# --- The README's "Who may do what" table is the predicates' -----------------------------------------------

def _who(table: str, action: str) -> set[str]:
    header, _rule, *rows = table.split("\n\n")[0].splitlines()
    headings = [cell.strip() for cell in header.strip("|").split("|")][1:]
    for row in rows:
        label, *cells = [cell.strip() for cell in row.strip("|").split("|")]
        if label == action:
            return {heading for heading, cell in zip(headings, cells, strict=True) if cell}
    raise AssertionError(f"no row {action!r}")


@pytest.mark.django_db
def test_the_readme_table_is_computed_from_the_predicates():
    table = permission_table()
    assert readme_table(README.read_text()) == table, (
        "README.md's 'Who may do what' table is out of date: run `manage.py permission_table --write`")
    # Nobody decides on their own plan or curates their own record, whatever other roles they hold.
    assert _who(table, "DMP: approve (submitted)") == {"Reviewer", "Operator"}
    assert _who(table, "Managed data: publish (submitted for curation)") == {"Librarian", "Operator"}
    assert _who(table, "DMP: submit (draft)") == {"PI", "Editor", "Editor + reviewer + librarian"}

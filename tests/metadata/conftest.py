import csv
import datetime
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dmp.models import ProjectMember
from dmp.services import dmp_create, template_load_shipped
from metadata.models import ManagedData
from metadata.services import managed_data_new_version, managed_data_transition, managed_data_update
from metadata.sheet.columns import layout
from portal.models import Role, User
from tests.factories import InstitutionFactory, ProjectFactory, UserFactory, make_record, user_with_role

ROLES = ["anonymous", "outsider", "member", "creator", "project_member", "person", "librarian",
         "other_librarian", "reviewer", "institution_admin", "funder_officer", "superuser"]
PEOPLE = {"creator", "project_member", "person"}
INSIDERS = PEOPLE | {"librarian", "superuser"}
INSTITUTION = INSIDERS | {"member", "reviewer"}
# may read the project's DMP, so its records' metadata
DMP_READERS = {"reviewer", "institution_admin", "funder_officer"}


def expected_viewers(state, metadata_access):
    if state not in ("published", "withdrawn"):
        return INSIDERS | DMP_READERS
    by_access = {"open access": set(ROLES), "restricted access": INSTITUTION, "closed access": INSIDERS}
    return by_access[metadata_access] | DMP_READERS


DATA_ACCESS = {
    "open": set(ROLES),
    "embargoed_future": INSIDERS,
    "embargoed_past": set(ROLES),
    "shared": INSIDERS | {"outsider"},  # the outsider is named in shared_with
    "closed": INSIDERS,
}


class Cast:
    """A project at institution A with one user per role around it."""

    def __init__(self):
        self.institution = InstitutionFactory()
        other = InstitutionFactory()
        self.project = ProjectFactory(institution=self.institution)
        self.users = {
            "anonymous": AnonymousUser(),
            "outsider": user_with_role(Role.RESEARCHER, institution=other),
            "member": user_with_role(Role.RESEARCHER, institution=self.institution),
            "creator": self.project.pi,
            "project_member": UserFactory(),
            "person": UserFactory(),
            "librarian": user_with_role(Role.LIBRARIAN, institution=self.institution),
            "other_librarian": user_with_role(Role.LIBRARIAN, institution=other),
            "reviewer": user_with_role(Role.REVIEWER, institution=self.institution),
            "institution_admin": user_with_role(Role.INSTITUTION_ADMIN, institution=self.institution),
            "funder_officer": user_with_role(Role.FUNDER_OFFICER, funder=self.project.program.funder),
            "superuser": UserFactory(is_superuser=True, is_staff=True),
        }
        ProjectMember.objects.create(project=self.project, user=self.users["project_member"])

    def record(self, **kwargs):
        people = [
            {"kind": "creator", "name_en": "Taro Yamada"},
            {"kind": "data_manager", "name_en": "Person In Portal", "user": self.users["person"]},
        ]
        return make_record(project=self.project, librarian=self.users["librarian"], people=people, **kwargs)

    def dmp(self):
        """The project's DMP (a draft on the shipped template), for the tests that read its dataset table."""
        template_load_shipped()
        return dmp_create(actor=self.project.pi, project=self.project)


@pytest.fixture
def cast(db):
    return Cast()


def client_for(client, user):
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    return client


def future(days=30):
    return timezone.localdate() + datetime.timedelta(days=days)


def publish_new_version(record, librarian, **changes) -> ManagedData:
    """The record's PI starts the next version, changes it, submits it; the librarian publishes it."""
    pi = record.project.pi
    new = managed_data_new_version(record_id=record.pk, actor=pi)
    managed_data_update(record_id=new.pk, actor=pi, data=changes)
    managed_data_transition(record_id=new.pk, action="submit", actor=pi)
    managed_data_transition(record_id=new.pk, action="publish", actor=librarian)
    new.refresh_from_db()
    return new


# The sheet tests' helpers: a demo user, a CSV as GRDM writes it, and new rows in a sheet layout.
RESEARCHER = "researcher@demo.example.ac.jp"


def demo_user(email=RESEARCHER, language="ja"):
    user = User.objects.get(email=email)
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def sheet_csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


def sheet_rows(n: int, grant="JP24K00366", layout_name="portal") -> list[list[str]]:
    columns = layout(layout_name, "ja")
    rows = [[h for _k, h in columns]]
    for i in range(n):
        values = {k: "" for k, _h in columns}
        values.update(grant_number=grant, data_no=f"new-{i + 1}", title_ja=f"新しいデータ{i + 1}",
                      description_ja="取り込んだデータ。", license="CC BY 4.0", access_right="公開",
                      citation_ja="研究 (2026)", hosting_institution_ja="東都大学",
                      contact_email="rdm@demo.example.ac.jp", creators="研究 花子|Hanako Kenkyu",
                      creator_numbers="30413925", issued_date="2026-01-15", research_field="情報通信",
                      data_managers="研究 花子|Hanako Kenkyu")
        if layout_name != "portal":
            values.update(creators="研究 花子", data_managers="研究 花子")
        rows.append([values[k] for k, _h in columns])
    return rows

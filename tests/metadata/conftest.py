import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from dmp.models import ProjectMember
from portal.models import Role
from tests.factories import InstitutionFactory, ProjectFactory, UserFactory, make_record, user_with_role

ROLES = ["anonymous", "outsider", "member", "creator", "project_member", "person", "librarian",
         "other_librarian", "reviewer", "funder_officer", "superuser"]
PEOPLE = {"creator", "project_member", "person"}


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

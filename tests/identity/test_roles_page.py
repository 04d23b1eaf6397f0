"""Institution admins assign reviewer, librarian and admin roles on a page of the portal."""

import pytest
from django.urls import reverse

from portal.models import Role, RoleAssignment
from tests.factories import DepartmentFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_at(client):
    institution = InstitutionFactory()
    admin = UserFactory()
    RoleAssignment.objects.create(user=admin, role=Role.INSTITUTION_ADMIN, institution=institution)
    client.force_login(admin)
    return institution, admin


def test_an_institution_admin_assigns_a_reviewer_role_with_a_department(client, admin_at):
    institution, _admin = admin_at
    person = UserFactory(email="hanako@example.ac.jp")
    department = DepartmentFactory(institution=institution)
    url = reverse("portal:institution-roles", args=[institution.pk])
    response = client.post(url, {"email": "Hanako@Example.ac.jp", "role": "reviewer", "department": department.pk})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=person, role=Role.REVIEWER, institution=institution,
                                         department=department).exists()
    page = client.get(url).content.decode()
    assert "hanako@example.ac.jp" in page


def test_an_unknown_email_gets_a_field_error_in_japanese(client, admin_at):
    institution, admin = admin_at
    admin.preferred_language = "ja"
    admin.save()
    response = client.post(reverse("portal:institution-roles", args=[institution.pk]),
                           {"email": "nobody@example.ac.jp", "role": "librarian"})
    assert response.status_code == 200
    assert "このメールアドレスでサインインした人はまだいません" in response.content.decode()
    assert RoleAssignment.objects.count() == 1


def test_the_last_admin_cannot_be_removed(client, admin_at):
    institution, admin = admin_at
    assignment = RoleAssignment.objects.get(user=admin)
    client.post(reverse("portal:institution-roles", args=[institution.pk]), {"remove": assignment.pk})
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_reviewer_or_another_institutions_admin_gets_404(client, admin_at):
    institution, _admin = admin_at
    other = InstitutionFactory()
    assert client.get(reverse("portal:institution-roles", args=[other.pk])).status_code == 404
    reviewer = UserFactory()
    RoleAssignment.objects.create(user=reviewer, role=Role.REVIEWER, institution=institution)
    client.force_login(reviewer)
    response = client.post(reverse("portal:institution-roles", args=[institution.pk]),
                           {"email": reviewer.email, "role": "institution_admin"})
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=reviewer, role=Role.INSTITUTION_ADMIN).exists()

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.models import Department, Funder, Institution, Notification, RoleAssignment, User
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [User, Institution, Department, Funder, RoleAssignment, Notification])
def test_operator_can_search_every_model_in_the_admin(client, model):
    RoleAssignmentFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "test"})
    assert response.status_code == 200
    assert b'id="searchbar"' in response.content


def test_researcher_cannot_open_the_admin(client):
    client.force_login(RoleAssignmentFactory().user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_load_demo_is_idempotent_and_demo_accounts_sign_in(client, capsys):
    call_command("load_demo")
    counts = (User.objects.count(), Institution.objects.count(), RoleAssignment.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Institution.objects.count(), RoleAssignment.objects.count()) == counts
    out = capsys.readouterr().out
    assert "reviewer@demo.example.ac.jp" in out and "demo-portal-2026" in out
    # A newcomer sees a short summary and the accounts, not the notification e-mails of the demo workflow.
    assert "Subject:" not in out and len(out.splitlines()) < 40
    assert "notification e-mails were kept quiet" in out
    response = client.post(
        reverse("login"), {"username": "reviewer@demo.example.ac.jp", "password": "demo-portal-2026"}
    )
    assert response.status_code == 302
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles == {"researcher", "reviewer", "librarian", "institution_admin", "funder_officer"}

"""No input gives a 500 (issue 13): one regression test for each input found by hand and by schemathesis."""

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from metadata.models import ManagedData
from metadata.services import managed_data_transition
from portal.models import Notification, Role, User
from tests.factories import FunderFactory, ProjectFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    project = ProjectFactory()
    return {
        "anonymous": None,
        "researcher": project.pi,
        "reviewer": user_with_role(Role.REVIEWER, institution=project.institution),
        "librarian": user_with_role(Role.LIBRARIAN, institution=project.institution),
        "operator": User.objects.create_superuser("operator@example.ac.jp", "pw"),
        "project": project,
    }


def _client(user):
    client = APIClient(headers={"accept-language": "en"})
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("who, url", [
    ("anonymous", "/data/?year=0"),
    ("anonymous", "/data/?year=99999"),
    ("anonymous", "/data/export.csv?year=0"),
    ("anonymous", "/data/export.csv?year=99999"),
    ("researcher", "/dmps/?waiting_days=1000000"),
    ("reviewer", "/dmps/review/?waiting_days=1000000"),
    ("librarian", "/data/curation/?waiting_days=1000000"),
    ("anonymous", "/dashboards/records/?embargo_month=9999-12"),
    ("operator", "/dashboards/records/?embargo_month=9999-12&scope=funder:JST"),
])
def test_out_of_range_filters_leave_pages_working(people, who, url):
    FunderFactory(code="JST")
    make_record(project=people["project"], status="published", librarian=people["librarian"])
    response = _client(people[who]).get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url, field", [
    ("/api/v1/managed-data/?year=0", "year"),
    ("/api/v1/managed-data/?year=99999", "year"),
    ("/api/v1/managed-data/?waiting_days=1000000", "waiting_days"),
    ("/api/v1/dmps/?waiting_days=1000000", "waiting_days"),
])
def test_out_of_range_filters_are_a_400_in_the_api(people, url, field):
    response = _client(people["researcher"]).get(url)
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("url", [
    "/dashboards/records/?scope=funder:%00",
    "/dashboards/records/?scope=%00",
    "/dashboards/funders/J%00ST/",
    "/data/?q=%00",
    "/api/v1/managed-data/?q=a%00b",
])
def test_a_nul_in_the_address_is_a_400(people, url):
    FunderFactory(code="JST")
    response = _client(people["operator"]).get(url)
    assert response.status_code == 400 and "NUL" in response.content.decode()


def test_long_titles_do_not_stop_submission_and_the_subject_is_shortened(people, django_capture_on_commit_callbacks):
    record = make_record(project=people["project"], title_ja="長" * 480, title_en="")
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(people["researcher"]).post(reverse("metadata:api-managed-data-submit",
                                                              args=[record.pk]))
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    subject = Notification.objects.get(user=people["librarian"]).subject
    assert len(subject) == 200 and subject.endswith("…")
    assert mail.outbox[-1].subject == subject


def test_a_line_break_forced_into_a_title_does_not_break_the_e_mail(people, django_capture_on_commit_callbacks):
    record = make_record(project=people["project"])
    ManagedData.objects.filter(pk=record.pk).update(title_ja="一行目\r\n二行目\x0b三行目", title_en="")
    with django_capture_on_commit_callbacks(execute=True):
        managed_data_transition(record_id=record.pk, action="submit", actor=record.project.pi)
    subject = mail.outbox[-1].subject
    assert "“一行目 二行目 三行目”" in subject or "「一行目 二行目 三行目」" in subject
    assert not any(character in subject for character in "\r\n\x0b")
    assert ManagedData.objects.get(pk=record.pk).status == "submitted"


def test_deeply_nested_json_is_a_400(people):
    body = "[" * 100_000 + "]" * 100_000
    response = _client(people["researcher"]).post("/api/v1/managed-data/", body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.json()["detail"]


def test_null_repository_url_means_none(people):
    project = people["project"]
    response = _client(people["researcher"]).post("/api/v1/managed-data/", {"project": project.pk,
                                                                           "repository_url": None}, format="json")
    assert response.status_code == 201 and response.json()["repository_url"] == ""


def test_the_schema_says_what_the_api_answers(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert components["DMP"]["properties"]["approved_version"]["nullable"] is True
    assert components["ManagedData"]["properties"]["doi"]["nullable"] is True
    assert components["ManagedData"]["properties"]["repository_url"]["nullable"] is True
    comments = schema["paths"]["/api/v1/dmps/{id}/comments/"]["get"]["responses"]["200"]["content"]
    assert comments["application/json"]["schema"]["type"] == "array"  # a list, not a page


def test_withheld_data_links_give_the_landing_page_and_no_doi_is_null(people):
    record = make_record(project=people["project"], status="published", librarian=people["librarian"],
                         access_right="restricted access")
    body = _client(None).get(f"/api/v1/managed-data/{record.pk}/").json()
    assert body["repository_url"].endswith(record.get_absolute_url()) and body["doi"] is None

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from metadata.models import ManagedData
from metadata.services import EDITABLE_FIELDS
from portal.models import Role
from tests.factories import COMPLETE_PEOPLE, COMPLETE_RECORD, ProjectFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db
LIST = reverse("metadata:api-managed-data-list")


def api(user=None, language="en"):
    client = APIClient(headers={"accept-language": language})
    if user is not None:
        client.force_authenticate(user)
    return client


def test_researcher_creates_a_draft_and_submits_it():
    project = ProjectFactory()
    client = api(project.pi)
    response = client.post(LIST, {"project": project.pk, **COMPLETE_RECORD, "people": COMPLETE_PEOPLE}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft" and body["missing"] == {} and len(body["people"]) == 2
    submitted = client.post(reverse("metadata:api-managed-data-submit", args=[body["id"]]), format="json")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def test_bad_body_gets_400_naming_every_bad_field():
    project = ProjectFactory()
    response = api(project.pi).post(LIST, {
        "project": project.pk, "repository_url": "10.1/x y", "file_size": "huge", "access_right": "sometimes",
        "embargo_until": "2025-02-30", "contact_email": "not-an-email",
        "people": [{"kind": "creator", "name_en": "A", "erad_researcher_number": "12"}],
    }, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert {"repository_url", "file_size", "access_right", "embargo_until", "contact_email", "people"} <= set(errors)
    assert "erad_researcher_number" in errors["people"]["0"]  # row 0 of the people list


def test_errors_come_in_the_users_language():
    project = ProjectFactory()
    project.pi.preferred_language = "ja"
    project.pi.save()
    client = APIClient()
    client.force_login(project.pi)
    response = client.post(LIST, {"project": project.pk, "repository_url": "10.5/a b"}, format="json")
    assert "DOIの形式が正しくありません" in response.json()["repository_url"][0]


def test_stranger_cannot_add_to_a_project():
    response = api(user_with_role(Role.RESEARCHER)).post(LIST, {"project": ProjectFactory().pk}, format="json")
    assert response.status_code == 400 and "project" in response.json()


def test_anonymous_cannot_write():
    assert api().post(LIST, {"project": ProjectFactory().pk}, format="json").status_code in (401, 403)


def test_owner_updates_a_draft_but_not_a_submitted_record():
    record = make_record()
    client = api(record.project.pi)
    url = reverse("metadata:api-managed-data-detail", args=[record.pk])
    assert client.patch(url, {"title_en": "Better title"}, format="json").status_code == 200
    record.refresh_from_db()
    assert record.title_en == "Better title"
    client.post(reverse("metadata:api-managed-data-submit", args=[record.pk]), format="json")
    assert client.patch(url, {"title_en": "Sneaky"}, format="json").status_code == 403


def test_librarian_publishes_and_an_illegal_transition_is_a_400():
    record = make_record(status="submitted")
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution)
    client = api(librarian)
    assert client.post(reverse("metadata:api-managed-data-publish", args=[record.pk])).json()["status"] == "published"
    again = client.post(reverse("metadata:api-managed-data-publish", args=[record.pk]))
    assert again.status_code == 400 and "cannot publish" in again.json()["status"][0]


def test_researcher_may_not_publish_through_the_api():
    record = make_record(status="submitted")
    response = api(record.project.pi).post(reverse("metadata:api-managed-data-publish", args=[record.pk]))
    assert response.status_code == 403


def test_openapi_schema_describes_the_endpoint(client):
    schema = client.get("/api/schema/", headers={"accept": "application/json"}).json()
    assert "/api/v1/managed-data/" in schema["paths"]
    assert "/api/v1/managed-data/{id}/publish/" in schema["paths"]


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3),
    max_leaves=8,
)
FIELDS = st.sampled_from(["project", "people", *EDITABLE_FIELDS, "status", "id", "zzz"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(FIELDS, JSON_VALUES, max_size=8))
def test_no_input_yields_a_server_error(body):
    project = ProjectFactory()
    body.setdefault("project", project.pk)
    response = api(project.pi).post(LIST, body, format="json")
    assert response.status_code in (201, 400), response.content
    record = ManagedData.objects.filter(project=project).first()
    if record is not None:
        patch = api(project.pi).patch(reverse("metadata:api-managed-data-detail", args=[record.pk]), body,
                                      format="json")
        assert patch.status_code in (200, 400), patch.content


@pytest.mark.parametrize("size", [3, 30])
def test_api_list_query_count_does_not_grow_with_the_page(size, django_assert_num_queries):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    for _ in range(size):
        make_record(project=project, status="published", librarian=librarian)
    client = api()
    with django_assert_num_queries(4):  # count, page, people, files
        assert len(client.get(LIST, {"size": size}).json()["results"]) == size

"""A published record changes only as a new version: a record of its own (own datestamp, own curation),
linked to the first version; the landing page shows the history and which version is the latest."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from metadata.models import ManagedData
from metadata.oai.protocol import oai_identifier
from metadata.services import managed_data_new_version
from portal.models import Role
from tests.factories import InstitutionFactory, ProjectFactory, make_record, user_with_role
from tests.metadata.conftest import publish_new_version
from tests.metadata.oai_fixtures import OAI_NS, oai_get

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def librarian():
    return user_with_role(Role.LIBRARIAN, institution=InstitutionFactory())


@pytest.fixture
def record(librarian):
    return make_record(project=ProjectFactory(institution=librarian.role_assignments.get().institution),
                       status="published", librarian=librarian, title_en="Scalp EEG", data_no="D-1")


def test_a_new_version_is_a_linked_draft_with_the_same_metadata_and_people(record):
    new = managed_data_new_version(record_id=record.pk, actor=record.project.pi)
    assert (new.status, new.version, new.version_of_id, new.title_en, new.data_no) == (
        "draft", 2, record.pk, "Scalp EEG", "D-1")
    assert [(p.kind, p.name_en) for p in new.people.all()] == [(p.kind, p.name_en) for p in record.people.all()]
    record.refresh_from_db()
    assert record.status == "published"  # the published version stays as it was
    # A second request while version 2 is under way returns it rather than a version 3.
    assert managed_data_new_version(record_id=record.pk, actor=record.project.pi) == new


def test_each_version_has_its_own_datestamp_and_harvest_entry(client, record, librarian):
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    v3 = publish_new_version(v2, librarian, title_en="Scalp EEG, cleaned again")
    record.refresh_from_db()
    assert record.datestamp < v2.datestamp < v3.datestamp
    assert [v.version for v in record.versions()] == [1, 2, 3] == [v.version for v in v3.versions()]
    for version in (record, v2, v3):
        root = oai_get(client, verb="GetRecord", identifier=oai_identifier(version.pk), metadataPrefix="oai_dc")
        assert root.find("o:GetRecord/o:record/o:metadata", OAI_NS) is not None


def test_landing_page_shows_the_history_and_the_latest_version(client, record, librarian):
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    old = client.get(record.get_absolute_url()).content.decode()
    assert "This is not the latest version of the data." in old
    assert f'href="{v2.get_absolute_url()}">See the latest version' in old
    assert old.count("<li data-version=") == 2
    latest = client.get(v2.get_absolute_url()).content.decode()
    assert "This is not the latest version" not in latest
    assert '<li data-version="2"><strong>Version 2</strong>' in latest and '<span class="badge">latest</span>' in latest


def test_a_draft_version_is_not_shown_to_the_public_and_not_latest(client, record):
    new = managed_data_new_version(record_id=record.pk, actor=record.project.pi)
    assert "Versions" not in client.get(record.get_absolute_url()).content.decode()  # only one they may see
    client.force_login(record.project.pi)
    page = client.get(record.get_absolute_url()).content.decode()
    assert f'href="{new.get_absolute_url()}">Version 2</a>' in page
    assert "This is not the latest version" not in page


def test_only_the_records_people_and_curators_start_a_new_version(client, record, librarian):
    stranger = user_with_role(Role.LIBRARIAN, institution=InstitutionFactory())
    with pytest.raises(PermissionDenied):
        managed_data_new_version(record_id=record.pk, actor=stranger)
    client.force_login(stranger)
    assert client.post(reverse("metadata:managed-data-new-version", args=[record.pk])).status_code == 302
    assert ManagedData.objects.count() == 1
    draft = make_record(project=record.project)
    with pytest.raises(PermissionDenied):  # a draft is edited, not versioned
        managed_data_new_version(record_id=draft.pk, actor=record.project.pi)

    client.force_login(record.project.pi)
    page = client.get(record.get_absolute_url()).content.decode()
    assert "Start a new version" in page
    response = client.post(reverse("metadata:managed-data-new-version", args=[record.pk]))
    new = ManagedData.objects.get(version=2)
    assert response["Location"] == reverse("metadata:managed-data-edit", args=[new.pk])
    client.force_login(librarian)
    assert "Start a new version" in client.get(record.get_absolute_url()).content.decode()


def test_api_starts_a_new_version_and_shows_the_link(client, record):
    client.force_login(record.project.pi)
    url = reverse("metadata:api-managed-data-new-version", args=[record.pk])
    response = client.post(url)
    assert response.status_code == 201
    assert (response.json()["version"], response.json()["version_of"], response.json()["status"]) == (
        2, record.pk, "draft")
    assert client.post(url).json()["id"] == response.json()["id"]  # the one under way
    client.logout()
    assert client.post(url).status_code in (401, 403)

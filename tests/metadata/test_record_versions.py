"""A published record changes only as a new version: a record of its own (own datestamp, own curation),
linked to the first version; the landing page shows the history and which version is the latest."""

import json
import re

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from metadata.files.services import UploadRefused, data_file_delete
from metadata.files.storage import data_file_storage
from metadata.models import ManagedData
from metadata.oai.protocol import oai_identifier
from metadata.services import managed_data_new_version, managed_data_transition
from portal.models import Role
from tests.factories import InstitutionFactory, ProjectFactory, make_record, user_with_role
from tests.metadata.conftest import publish_new_version

pytest.register_assert_rewrite("tests.metadata.files.fixtures", "tests.metadata.oai.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures", "tests.metadata.oai.fixtures"]
from tests.metadata.files.fixtures import add_file, fetch_bytes  # noqa: E402
from tests.metadata.oai.fixtures import OAI_NS, assert_valid, oai_get  # noqa: E402

J = {"jpcoar": "https://github.com/JPCOAR/schema/blob/master/2.0/"}
DATACITE = "{http://datacite.org/schema/kernel-4}"
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
    v2.refresh_from_db()
    # Each is re-dated when what harvesters get of it changes: its publication, its next version's.
    assert record.datestamp < v2.datestamp and record.datestamp < v3.datestamp
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


def test_a_new_version_starts_with_its_predecessors_files_and_edits_them_alone(
        client, librarian, storage_kind, django_capture_on_commit_callbacks):
    draft = make_record(project=ProjectFactory(institution=librarian.role_assignments.get().institution),
                        status="draft", librarian=librarian, title_en="Scalp EEG")
    pi = draft.project.pi
    kept = add_file(draft, pi, content=b"raw,1\n" * 50, name="raw.csv")
    managed_data_transition(record_id=draft.pk, action="submit", actor=pi)
    managed_data_transition(record_id=draft.pk, action="publish", actor=librarian)

    new = managed_data_new_version(record_id=draft.pk, actor=pi)
    carried = new.files.get()
    assert (carried.name, carried.size, carried.sha256, carried.md5) == (kept.name, kept.size, kept.sha256, kept.md5)
    client.force_login(pi)
    assert fetch_bytes(client.get(carried.get_absolute_url())) == b"raw,1\n" * 50  # no upload needed

    # The draft's files change; the published version's stay as they were, bytes and all.
    with django_capture_on_commit_callbacks(execute=True):
        data_file_delete(data_file=carried, actor=pi)
    add_file(new, pi, content=b"clean,1\n" * 50, name="clean.csv")
    assert [f.name for f in new.files.all()] == ["clean.csv"]
    assert [f.name for f in draft.files.all()] == ["raw.csv"]
    assert fetch_bytes(client.get(kept.get_absolute_url())) == b"raw,1\n" * 50
    with pytest.raises(UploadRefused):
        add_file(draft, pi, name="late.csv")
    with pytest.raises(UploadRefused):
        data_file_delete(data_file=kept, actor=pi)

    # Bytes no version refers to any more are deleted.
    newest = new.files.get()
    with django_capture_on_commit_callbacks(execute=True):
        data_file_delete(data_file=newest, actor=pi)
    assert not data_file_storage.exists(newest.file.name)
    assert data_file_storage.exists(kept.file.name)


@pytest.mark.schemas
def test_harvesters_and_search_engines_get_the_links_between_versions(client, record, librarian, official_schemas):
    ManagedData.objects.filter(pk=record.pk).update(doi="10.48708/scalp-eeg.v1")
    v1_stamp = ManagedData.objects.get(pk=record.pk).datestamp
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    managed_data_new_version(record_id=v2.pk, actor=record.project.pi)  # a draft: linked by nobody
    v1_url, v2_url = "https://doi.org/10.48708/scalp-eeg.v1", f"{settings.PORTAL_BASE_URL}/data/{v2.pk}/"

    def metadata(version, prefix):
        root = oai_get(client, verb="GetRecord", identifier=oai_identifier(version.pk), metadataPrefix=prefix)
        element = root.find("o:GetRecord/o:record/o:metadata", OAI_NS)[0]
        assert_valid(official_schemas[prefix], element)
        return element

    def jpcoar_relations(version):
        return [(r.get("relationType"), i.get("identifierType"), i.text)
                for r in metadata(version, "jpcoar_2.0").iterfind("jpcoar:relation", J)
                for i in r.iterfind("jpcoar:relatedIdentifier", J) if i.get("identifierType") != "Local"]

    def datacite_relations(version):
        return [(e.get("relationType"), e.get("relatedIdentifierType"), e.text)
                for e in metadata(version, "oai_datacite").iter(DATACITE + "relatedIdentifier")]

    assert jpcoar_relations(record) == [("hasVersion", "URI", v2_url)]
    assert jpcoar_relations(v2) == [("isVersionOf", "DOI", v1_url)]
    assert datacite_relations(record) == [("IsPreviousVersionOf", "URL", v2_url)]
    assert datacite_relations(v2) == [("IsNewVersionOf", "DOI", "10.48708/scalp-eeg.v1")]
    # The first version's harvested metadata changed (it links the second): harvesters are told.
    assert ManagedData.objects.get(pk=record.pk).datestamp > v1_stamp

    def json_ld(version):
        page = client.get(version.get_absolute_url()).content.decode()
        return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))

    assert (json_ld(v2)["version"], json_ld(v2)["isBasedOn"]["@id"], json_ld(v2)["isBasedOn"]["version"]) == (
        2, v1_url, 1)
    assert json_ld(record)["version"] == 1 and "isBasedOn" not in json_ld(record)

"""The rules of the files API as a script or the browser meets them: caps before the first byte, the
declared checksum, frozen published records, names, offsets, the tus handshake, content-detected types."""

import datetime
import hashlib

import pytest
from django.urls import reverse
from django.utils import timezone

from metadata.files.models import DataFile, Upload
from metadata.files.services import uploads_expire
from metadata.files.storage import data_file_storage
from metadata.services import managed_data_transition
from portal.models import Role
from tests.factories import UserFactory, make_record, user_with_role

pytest.register_assert_rewrite("tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures"]
from tests.metadata.files.fixtures import TUS, add_file, metadata_header  # noqa: E402

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 64


def start(client, record, length, **metadata):
    return client.post(reverse("files:api-uploads", args=[record.pk]), HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=metadata_header(**metadata), **TUS)


def patch(client, location, data: bytes, offset=0):
    return client.generic("PATCH", location, data, content_type="application/offset+octet-stream",
                          HTTP_UPLOAD_OFFSET=str(offset), **TUS)


@pytest.fixture
def record(db):
    return make_record(status="draft")


@pytest.fixture
def owner(client, record):
    client.force_login(record.project.pi)
    return client


def test_a_file_over_the_cap_is_refused_before_any_byte_is_sent(owner, record, settings):
    settings.DATA_FILES_MAX_FILE_SIZE = 1000
    response = start(owner, record, 2000, filename="big.bin")
    assert response.status_code == 413
    assert "1000" in response.json()["detail"]
    assert not Upload.objects.exists()


def test_the_project_cap_counts_stored_files_and_uploads_in_progress(owner, record, settings):
    settings.DATA_FILES_MAX_PROJECT_SIZE = 1500
    add_file(record, record.project.pi, b"x" * 1000, "first.txt")
    assert start(owner, record, 300, filename="second.txt").status_code == 201
    refused = start(owner, record, 300, filename="third.txt")
    assert refused.status_code == 413
    assert "200" in refused.json()["detail"]  # what is left of the project's allowance


def test_a_checksum_mismatch_is_rejected_and_nothing_is_kept(owner, record):
    content = b"measured values\n" * 1000
    created = start(owner, record, len(content), filename="values.txt", sha256=hashlib.sha256(b"other").hexdigest())
    response = patch(owner, created["Location"], content)
    assert response.status_code == 460
    assert "SHA-256" in response.json()["detail"]
    assert not DataFile.objects.exists() and not Upload.objects.exists()
    assert data_file_storage.listdir(f"records/{record.pk}") == ([], [])


def test_a_declared_checksum_that_matches_keeps_the_file_with_both_digests(owner, record):
    content = b"measured values\n" * 1000
    created = start(owner, record, len(content), filename="values.txt", sha256=hashlib.sha256(content).hexdigest())
    assert created.status_code == 201
    first = patch(owner, created["Location"], content[:5000])
    assert (first.status_code, first["Upload-Offset"]) == (204, "5000")
    assert owner.head(created["Location"], **TUS)["Upload-Offset"] == "5000"
    assert patch(owner, created["Location"], content[5000:], offset=5000).status_code == 204
    data_file = DataFile.objects.get()
    assert (data_file.sha256, data_file.md5) == (hashlib.sha256(content).hexdigest(), hashlib.md5(content).hexdigest())
    assert data_file.media_type == "text/plain"


def test_the_media_type_comes_from_the_content_not_the_name(record):
    assert add_file(record, record.project.pi, PNG, "table.csv").media_type == "image/png"


def test_a_wrong_offset_is_answered_with_the_right_one(owner, record):
    created = start(owner, record, 100, filename="a.txt")
    response = patch(owner, created["Location"], b"x" * 10, offset=50)
    assert response.status_code == 409
    assert "0" in response.json()["detail"]


@pytest.mark.parametrize("name", ["../etc/passwd", "a/b.txt", "bell\x07.txt", "", "x" * 256])
def test_unsafe_file_names_are_refused(owner, record, name):
    response = start(owner, record, 10, filename=name)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_japanese_file_names_are_kept(owner, record):
    name = "調査データ　第１回.csv"
    created = start(owner, record, 4, filename=name)
    patch(owner, created["Location"], b"a,b\n")
    data_file = DataFile.objects.get()
    assert data_file.name == name
    response = owner.get(data_file.get_absolute_url())
    assert "filename*=utf-8''" in response["Content-Disposition"].lower()


def test_a_published_record_s_files_are_frozen(owner, record):
    data_file = add_file(record, record.project.pi)
    librarian = user_with_role(Role.LIBRARIAN, institution=record.project.institution)
    managed_data_transition(record_id=record.pk, action="submit", actor=record.project.pi)
    managed_data_transition(record_id=record.pk, action="publish", actor=librarian)
    response = start(owner, record, 10, filename="late.txt")
    assert response.status_code == 403
    assert "new version" in response.json()["detail"]
    deleted = owner.delete(reverse("files:api-files-detail", args=[record.pk, data_file.pk]))
    assert deleted.status_code == 403
    assert DataFile.objects.filter(pk=data_file.pk).exists()


def test_someone_else_cannot_upload_or_continue_an_upload(client, owner, record):
    created = start(owner, record, 10, filename="mine.txt")
    client.force_login(UserFactory())
    assert start(client, record, 10, filename="theirs.txt").status_code == 404  # they do not see the draft
    assert patch(client, created["Location"], b"x" * 10).status_code == 404


def test_the_tus_handshake(client, owner, record):
    options = client.options(reverse("files:api-uploads", args=[record.pk]))
    assert options["Tus-Version"] == "1.0.0"
    assert "creation" in options["Tus-Extension"]
    missing = owner.post(reverse("files:api-uploads", args=[record.pk]), HTTP_UPLOAD_LENGTH="10")
    assert missing.status_code == 412


def test_an_abandoned_upload_can_be_discarded(owner, record):
    created = start(owner, record, 100, filename="a.txt")
    patch(owner, created["Location"], b"x" * 40)
    assert owner.delete(created["Location"], **TUS).status_code == 204
    assert not Upload.objects.exists()
    assert data_file_storage.listdir(f"records/{record.pk}") == ([], [])


def test_an_unfinished_upload_expires_and_frees_the_project_s_quota(owner, record, settings):
    settings.DATA_FILES_MAX_PROJECT_SIZE = 100
    created = start(owner, record, 100, filename="left.bin")
    assert "Upload-Expires" in created
    patch(owner, created["Location"], b"x" * 40)
    assert start(owner, record, 10, filename="next.bin").status_code == 413
    expiry = datetime.timedelta(hours=settings.DATA_FILES_UPLOAD_EXPIRY_HOURS)
    assert uploads_expire(now=timezone.now() + expiry - datetime.timedelta(hours=1)) == 0
    assert uploads_expire(now=timezone.now() + expiry + datetime.timedelta(hours=1)) == 1
    assert data_file_storage.listdir(f"records/{record.pk}") == ([], [])
    assert start(owner, record, 10, filename="next.bin").status_code == 201


def test_the_record_s_people_delete_a_draft_s_file_from_its_page(owner, record, django_capture_on_commit_callbacks):
    data_file = add_file(record, record.project.pi)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(reverse("files:delete", args=[record.pk, data_file.pk]), follow=True)
    assert "measurements.csv" in response.content.decode()  # the message names the deleted file
    assert not DataFile.objects.exists()
    assert data_file_storage.listdir(f"records/{record.pk}") == ([], [])

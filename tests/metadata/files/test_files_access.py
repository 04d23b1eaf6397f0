"""Files by the one access rule, on local and S3 storage: the list goes to whoever sees the metadata, the
bytes (and any presigned URL) only to viewers with data access; every download is logged."""


import pytest
from django.urls import reverse

from metadata.files.models import Download
from tests.metadata.conftest import DATA_ACCESS, INSIDERS, ROLES, client_for, expected_viewers

pytest.register_assert_rewrite("tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures"]
from tests.metadata.files.fixtures import CONTENT, add_file, fetch_bytes, record_with_file  # noqa: E402


@pytest.mark.parametrize("access", list(DATA_ACCESS))
def test_files_and_bytes_by_data_access(cast, client, storage_kind, access):
    record, data_file = record_with_file(cast, access)
    list_url = reverse("files:api-files-list", args=[record.pk])
    listed, served, presigned, locations = set(), set(), set(), []
    for role in ROLES:
        c = client_for(client, cast.users[role])
        entries = c.get(list_url).json()
        assert [(e["name"], e["size"], e["sha256"], e["media_type"]) for e in entries] == [
            ("measurements.csv", len(CONTENT), data_file.sha256, "text/csv")], role
        assert data_file.name in c.get(record.get_absolute_url()).content.decode()
        if entries[0]["download_url"]:
            listed.add(role)
        response = c.get(data_file.get_absolute_url())
        locations.append(response.get("Location", ""))
        if "X-Amz-Signature" in response.get("Location", ""):
            presigned.add(role)
        if response.status_code in (200, 302):
            assert fetch_bytes(response) == CONTENT, role
            served.add(role)
        else:
            assert response.status_code in (401, 403), role
            assert "X-Amz" not in response.content.decode(), role
    assert listed == served == DATA_ACCESS[access]
    assert presigned == (DATA_ACCESS[access] if storage_kind == "s3" else set()), locations
    logged = Download.objects.filter(file=data_file)
    assert logged.count() == len(served)
    assert {d.user for d in logged} == {cast.users[r] if r != "anonymous" else None for r in served}


@pytest.mark.parametrize("metadata_access", ["open access", "restricted access", "closed access"])
def test_file_list_goes_where_the_metadata_goes(cast, client, metadata_access):
    record, data_file = record_with_file(cast, "open", metadata_access=metadata_access)
    seen = set()
    for role in ROLES:
        c = client_for(client, cast.users[role])
        response = c.get(reverse("files:api-files-list", args=[record.pk]))
        if response.status_code == 200:
            seen.add(role)
            assert data_file.name in c.get(record.get_absolute_url()).content.decode()
        else:
            assert response.status_code == 404
            assert c.get(data_file.get_absolute_url()).status_code == 404
    assert seen == expected_viewers("published", metadata_access)


def test_a_draft_files_go_only_to_its_people_and_curators(cast, client):
    record = cast.record(status="draft", access_right="open access")
    data_file = add_file(record, cast.project.pi)
    served = set()
    for role in ROLES:
        response = client_for(client, cast.users[role]).get(data_file.get_absolute_url())
        if response.status_code == 200:
            served.add(role)
    # the record's people and curators; the DMP's readers see the draft's metadata but get no bytes
    assert served == INSIDERS


def test_download_resumes_with_http_range(cast, client):
    record, data_file = record_with_file(cast, "open")
    response = client.get(data_file.get_absolute_url(), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(CONTENT)}"
    assert b"".join(response.streaming_content) == CONTENT[10:20]
    tail = client.get(data_file.get_absolute_url(), HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == CONTENT[-5:]
    assert client.get(data_file.get_absolute_url(), HTTP_RANGE=f"bytes={len(CONTENT)}-").status_code == 416
    assert Download.objects.filter(file=data_file).count() == 0  # seeking is not a new download
    whole = client.get(data_file.get_absolute_url())
    assert whole["Accept-Ranges"] == "bytes"
    assert 'attachment; filename="measurements.csv"' == whole["Content-Disposition"]
    assert Download.objects.filter(file=data_file, user=None).count() == 1

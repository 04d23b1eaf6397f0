"""Resumable uploads (tus 1.0) of data files, on the local file system and on a real S3-protocol server."""

import base64
import hashlib
import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests
from django.urls import reverse
from rest_framework.authtoken.models import Token
from tusclient import client as tus_client

from metadata.files.models import DataFile, Upload
from tests.factories import make_record

pytest.register_assert_rewrite("tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures"]
from tests.metadata.files.fixtures import write_random_file  # noqa: E402

MB = 1024 * 1024


def tus_metadata(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())


def tus_headers(token=None, **extra) -> dict:
    headers = {"Tus-Resumable": "1.0.0", **extra}
    if token:
        headers["Authorization"] = f"Token {token}"
    return headers


def send_and_drop(url: str, token: str, path, offset: int, total: int, stop_at: int) -> None:
    """A PATCH that declares the whole rest of the file but sends bytes only up to `stop_at`, then the
    connection drops, as when a laptop leaves the Wi-Fi."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.putrequest("PATCH", parts.path)
    for key, value in tus_headers(token, **{"Upload-Offset": str(offset),
                                            "Content-Type": "application/offset+octet-stream",
                                            "Content-Length": str(total - offset)}).items():
        connection.putheader(key, value)
    connection.endheaders()
    with open(path, "rb") as f:
        f.seek(offset)
        remaining = stop_at - offset
        while remaining:
            block = f.read(min(MB, remaining))
            connection.send(block)
            remaining -= len(block)
    connection.sock.close()


def wait_for_offset(url: str, token: str) -> int:
    for _ in range(300):
        offset = int(requests.head(url, headers=tus_headers(token), timeout=10).headers["Upload-Offset"])
        if offset:
            return offset
        time.sleep(0.1)
    return 0


@pytest.mark.django_db(transaction=True)
def test_200_mb_upload_interrupted_at_40_percent_resumes_with_the_right_sha256(storage_kind, live_server, tmp_path):
    record = make_record(status="draft")
    token = Token.objects.create(user=record.project.pi).key
    size = 200 * MB
    source = tmp_path / "survey.bin"
    sha256 = write_random_file(source, size)

    created = requests.post(f"{live_server.url}{reverse('files:api-uploads', args=[record.pk])}",
                            headers=tus_headers(token, **{"Upload-Length": str(size), "Upload-Metadata": tus_metadata(
                                filename="survey.bin", sha256=sha256)}), timeout=30)
    assert created.status_code == 201, created.text
    upload_url = created.headers["Location"]

    send_and_drop(upload_url, token, source, 0, size, stop_at=int(size * 0.4))
    offset = wait_for_offset(upload_url, token)
    assert 0 < offset <= size * 0.4
    assert not DataFile.objects.exists()

    # A stock tus client picks the upload up where the server says it stands.
    uploader = tus_client.TusClient(live_server.url, headers={"Authorization": f"Token {token}"}).uploader(
        str(source), url=upload_url, chunk_size=64 * MB)
    assert uploader.offset == offset
    uploader.upload()

    data_file = DataFile.objects.get(record=record)
    assert (data_file.name, data_file.size, data_file.sha256) == ("survey.bin", size, sha256)
    assert not Upload.objects.exists()
    listed = requests.get(f"{live_server.url}{reverse('files:api-files-list', args=[record.pk])}",
                          headers={"Authorization": f"Token {token}"}, timeout=30).json()
    assert [(f["name"], f["sha256"]) for f in listed] == [("survey.bin", sha256)]
    digest = hashlib.sha256()
    with requests.get(listed[0]["download_url"], headers={"Authorization": f"Token {token}"}, stream=True,
                      cookies=None, timeout=60) as response:
        assert response.status_code == 200
        for block in response.iter_content(MB):
            digest.update(block)
    assert digest.hexdigest() == sha256

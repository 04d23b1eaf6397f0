"""Data-file storage for tests: the local file system in a temporary folder, or a real S3-protocol server
(moto in server mode, a separate process on a free local port), and the helpers the files tests share:
files added through the upload services and tus request headers."""

import base64
import datetime
import hashlib
import io
import os
import socket
import subprocess
import sys
import time
import uuid

import boto3
import pytest
import requests
from django.utils import timezone

from metadata.files.services import upload_append, upload_start
from metadata.models import ManagedData
from metadata.services import managed_data_transition
from tests.conftest import IN_CI
from tests.metadata.conftest import future

STORAGE_KINDS = ["local", "s3"]
S3_CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "ap-northeast-1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_s3_server():
    """`moto_server` on a free port; returns (process, endpoint URL)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):  # it loads for a few seconds on a busy machine
        try:
            requests.get(endpoint, timeout=5)
            return process, endpoint
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the S3 server (moto) did not start")


def s3_options(endpoint: str, bucket: str) -> dict:
    return {"bucket_name": bucket, "endpoint_url": endpoint, **S3_CREDENTIALS, "querystring_expire": 60,
            "file_overwrite": False, "default_acl": None, "addressing_style": "path",
            "signature_version": "s3v4"}


def create_bucket(endpoint: str, bucket: str) -> None:
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                 region_name=S3_CREDENTIALS["region_name"]).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": S3_CREDENTIALS["region_name"]})


@pytest.fixture(scope="session")
def s3_server():
    try:
        process, endpoint = start_s3_server()
    except (RuntimeError, OSError) as error:
        if IN_CI:
            raise
        pytest.skip(f"needs moto's S3 server (pip install 'moto[server]'): {error}")
    yield endpoint
    process.terminate()
    process.wait(10)


def use_storage(settings, kind: str, tmp_path, request) -> str:
    """Point the `data_files` storage at `kind`; returns the kind."""
    if kind == "s3":
        endpoint = request.getfixturevalue("s3_server")
        bucket = f"files-{uuid.uuid4().hex[:12]}"
        create_bucket(endpoint, bucket)
        data_files = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": s3_options(endpoint, bucket)}
    else:
        data_files = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                      "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None}}
    settings.STORAGES = {**settings.STORAGES, "data_files": data_files}
    return kind


@pytest.fixture(params=STORAGE_KINDS)
def storage_kind(request, settings, tmp_path):
    return use_storage(settings, request.param, tmp_path, request)


@pytest.fixture(autouse=True)
def _local_storage_by_default(settings, tmp_path):
    """No test writes into the checkout's var/files."""
    settings.STORAGES = {**settings.STORAGES, "data_files": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "files"), "base_url": None}}}


def write_random_file(path, size: int) -> str:
    """A file of `size` random bytes; returns its SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as f:
        remaining = size
        while remaining:
            block = os.urandom(min(remaining, 4 * 1024 * 1024))
            digest.update(block)
            f.write(block)
            remaining -= len(block)
    return digest.hexdigest()


CONTENT = b"id,value\n1,42\n2,43\n" * 100
RIGHTS = {"open": "open access", "embargoed_future": "embargoed access", "embargoed_past": "embargoed access",
          "shared": "restricted access", "closed": "metadata only access"}


def add_file(record, user, content=CONTENT, name="measurements.csv"):
    upload = upload_start(record_id=record.pk, actor=user, name=name, length=len(content))
    return upload_append(upload=upload, actor=user, offset=0, stream=io.BytesIO(content), length=len(content))


def fetch_bytes(response) -> bytes:
    """A download's bytes, from a streamed response or (S3) the presigned URL, fetched as the browser would."""
    if response.status_code == 302:
        return requests.get(response["Location"], timeout=30).content
    return b"".join(response.streaming_content)


def publish(cast, record):
    managed_data_transition(record_id=record.pk, action="submit", actor=cast.project.pi)
    managed_data_transition(record_id=record.pk, action="publish", actor=cast.users["librarian"])


def record_with_file(cast, access, **fields):
    right = RIGHTS[access]
    extra = {"embargo_until": future()} if right == "embargoed access" else {}
    record = cast.record(status="draft", access_right=right, **extra, **fields)
    data_file = add_file(record, cast.project.pi)
    publish(cast, record)
    if access == "embargoed_past":  # the publication date has come
        ManagedData.objects.filter(pk=record.pk).update(embargo_until=timezone.localdate() - datetime.timedelta(1))
    if access == "shared":
        record.shared_with.add(cast.users["outsider"])
    return record, data_file


TUS = {"HTTP_TUS_RESUMABLE": "1.0.0", "HTTP_ACCEPT_LANGUAGE": "en"}


def metadata_header(**values) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in values.items())

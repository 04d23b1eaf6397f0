"""Bench: a 2 GB file through the resumable (tus) upload API, interrupted at 40 % and resumed, then
downloaded, on local storage and on an S3-protocol server (moto in server mode), against a real gunicorn
server. Prints name=value lines per storage: upload_mb_per_s, disk_write_mb_per_s (dd with fdatasync on the
same disk, in the same run), upload_to_disk_ratio, download_mb_per_s, peak_rss_mb (the server's, master and
worker) and sha256_ok. On S3 also s3_direct_upload_mb_per_s: boto3 sending the same file straight to the same
server (multipart, the portal's part size, one part at a time), the server's own speed in the same run, and
the portal's share of it. Exits non-zero if it could not measure.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_files_bench python bench/files.py [--mb 2048]
"""

import argparse
import base64
import hashlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._server import ROOT, django_setup, rss_mb, start_server  # noqa: E402

MB = 1024 * 1024
CHUNK = 64 * MB  # one PATCH per chunk, as a tus client sends them


def dd_write_mb_per_s(directory: Path, mb: int) -> float:
    """The disk's sequential write speed: dd from /dev/zero, flushed to the disk (fdatasync) before it stops."""
    target = directory / "dd.tmp"
    result = subprocess.run(["dd", "if=/dev/zero", f"of={target}", "bs=1M", f"count={mb}", "conv=fdatasync"],
                            capture_output=True, text=True, check=True)
    target.unlink()
    match = re.search(r"(\d+) bytes .* copied, ([\d.,]+) s", result.stderr)
    return int(match[1]) / MB / float(match[2].replace(",", "."))


def write_source(path: Path, size: int) -> str:
    digest = hashlib.sha256()
    block = os.urandom(4 * MB)  # repeated, but every block passes through the server like any other
    with open(path, "wb") as f:
        for n in range(size // len(block)):
            data = block[:8] + n.to_bytes(8, "big") + block[16:]
            digest.update(data)
            f.write(data)
    return digest.hexdigest()


def request(method: str, url: str, headers: dict, body_path: Path | None = None, offset: int = 0,
            length: int = 0, drop_at: int | None = None):
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    connection.putrequest(method, parts.path + (f"?{parts.query}" if parts.query else ""))
    for key, value in {**headers, "Content-Length": str(length)}.items():
        connection.putheader(key, value)
    connection.endheaders()
    if body_path:
        with open(body_path, "rb") as f:
            f.seek(offset)
            remaining = (drop_at - offset) if drop_at is not None else length
            while remaining:
                data = f.read(min(MB, remaining))
                connection.send(data)
                remaining -= len(data)
    if drop_at is not None:
        connection.sock.close()
        return None
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


def upload(base: str, token: str, record_id: int, source: Path, size: int, sha256: str) -> float:
    """Start, send 40 %, drop the connection, ask where the upload stands, send the rest; seconds taken."""
    tus = {"Tus-Resumable": "1.0.0", "Authorization": f"Token {token}"}
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}"
                        for k, v in {"filename": source.name, "sha256": sha256}.items())
    started = time.perf_counter()
    created = request("POST", f"{base}/api/v1/managed-data/{record_id}/uploads/",
                      {**tus, "Upload-Length": str(size), "Upload-Metadata": metadata})
    if created.status != 201:
        raise SystemExit(f"error=upload refused ({created.status})")
    location = created.getheader("Location")
    patch = {**tus, "Content-Type": "application/offset+octet-stream"}
    request("PATCH", location, {**patch, "Upload-Offset": "0"}, source, 0, size, drop_at=int(size * 0.4))
    offset = 0
    for _ in range(600):
        offset = int(request("HEAD", location, tus).getheader("Upload-Offset"))
        if offset:
            break
        time.sleep(0.1)
    while offset < size:
        length = min(CHUNK, size - offset)
        response = request("PATCH", location, {**patch, "Upload-Offset": str(offset)}, source, offset, length)
        if response.status != 204:
            raise SystemExit(f"error=PATCH answered {response.status}")
        offset = int(response.getheader("Upload-Offset"))
    return time.perf_counter() - started


def download(url: str, token: str) -> tuple[float, int]:
    """Follow the download (a redirect to a presigned URL on S3) and read every byte; (seconds, bytes)."""
    started, received = time.perf_counter(), 0
    headers = {"Authorization": f"Token {token}"}
    for _ in range(3):
        parts = urlsplit(url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        response = connection.getresponse()
        if response.status in (301, 302):
            url, headers = response.getheader("Location"), {}
            response.read()
            continue
        while data := response.read(MB):
            received += len(data)
        break
    return time.perf_counter() - started, received


def direct_s3_mb_per_s(endpoint: str, source: Path, size: int) -> float:
    """boto3 straight to the S3 server: the same bytes, in parts of the portal's size, one at a time."""
    import boto3
    from boto3.s3.transfer import TransferConfig
    from botocore.config import Config
    from django.conf import settings

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="x", aws_secret_access_key="x",
                          region_name="ap-northeast-1",  # completing 2 GB takes the server minutes, as for the portal
                          config=Config(read_timeout=int(os.environ.get("DATA_FILES_S3_TIMEOUT", 900))))
    part = settings.DATA_FILES_PART_SIZE
    started = time.perf_counter()
    client.upload_file(str(source), "bench-files", "direct", Config=TransferConfig(
        multipart_threshold=part, multipart_chunksize=part, max_concurrency=1, use_threads=False))
    seconds = time.perf_counter() - started
    client.delete_object(Bucket="bench-files", Key="direct")  # the server keeps objects in memory
    return size / MB / seconds


def start_s3() -> tuple[subprocess.Popen, str]:
    from tests.metadata.files.fixtures import create_bucket, start_s3_server

    process, endpoint = start_s3_server()
    create_bucket(endpoint, "bench-files")
    return process, endpoint


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=2048)
    parser.add_argument("--storage", choices=["local", "s3", "both"], default="both")
    args = parser.parse_args()
    size = args.mb // 4 * 4 * MB  # whole 4 MB blocks
    work = ROOT / "bench" / "out" / f"files-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    django_setup()
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from metadata.files.models import DataFile
    from tests import factories
    from tests.factories import make_record

    call_command("migrate", verbosity=0)
    run = int(time.time()) % 10**8  # factory sequences start afresh per process: keep this run's rows apart
    for factory_class in (factories.InstitutionFactory, factories.UserFactory, factories.FunderFactory,
                          factories.ProjectFactory, factories.FundingProgramFactory, factories.DepartmentFactory):
        factory_class.reset_sequence(run)
    source = work / "survey.bin"
    sha256 = write_source(source, size)
    disk = dd_write_mb_per_s(work, size // MB)
    environments = {
        "local": {"DATA_FILES_STORAGE": "local", "DATA_FILES_ROOT": str(work / "storage")},
        "s3": {"DATA_FILES_STORAGE": "s3", "DATA_FILES_S3_BUCKET": "bench-files", "DATA_FILES_S3_ACCESS_KEY_ID": "x",
               "DATA_FILES_S3_SECRET_ACCESS_KEY": "x"},
    }
    try:
        for kind, env in environments.items():
            if args.storage not in (kind, "both"):
                continue
            s3 = direct = None
            if kind == "s3":
                s3, env["DATA_FILES_S3_ENDPOINT_URL"] = start_s3()
                direct = direct_s3_mb_per_s(env["DATA_FILES_S3_ENDPOINT_URL"], source, size)
            os.environ.update(env)
            server, base = start_server(workers=1, timeout=600)  # the last PATCH completes the S3 upload
            try:
                record = make_record(status="draft")
                token = Token.objects.create(user=record.project.pi).key
                seconds = upload(base, token, record.pk, source, size, sha256)
                data_file = DataFile.objects.get(record=record)
                download_s, received = download(f"{base}{data_file.get_absolute_url()}", token)
                _current, peak = rss_mb(server.pid)
            finally:
                server.terminate()
                server.wait(30)
                if s3:
                    s3.terminate()
                    s3.wait(30)
            upload_rate = size / MB / seconds
            print(f"{kind}_upload_mb_per_s={upload_rate:.1f}")
            print(f"{kind}_disk_write_mb_per_s={disk:.1f}")
            print(f"{kind}_upload_to_disk_ratio={upload_rate / disk:.2f}")
            if direct:
                print(f"{kind}_direct_upload_mb_per_s={direct:.1f}")
                print(f"{kind}_upload_to_direct_ratio={upload_rate / direct:.2f}")
            print(f"{kind}_download_mb_per_s={received / MB / download_s:.1f}")
            print(f"{kind}_peak_rss_mb={peak:.0f}")
            print(f"{kind}_sha256_ok={int(data_file.sha256 == sha256 and received == size)}")
            sys.stdout.flush()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

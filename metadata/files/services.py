"""Every write on data files: resumable uploads (start, append, finish, abort), deletion, the download log.

Bytes go straight to the storage, a block at a time, and never all into memory: on the local file system an
upload is written in place at its offset; on S3 it is an S3 multipart upload whose parts are sent as they fill
(DATA_FILES_PART_SIZE), each while the next is read, so the server holds at most two parts per request.
SHA-256 and MD5 are computed as the bytes arrive; a process that did not see every byte (a restart, another
worker) reads the file back once when it completes."""

import datetime
import hashlib
import os
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import magic
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from metadata.models import ManagedData
from metadata.services import WRITE_REFUSAL

from .models import DataFile, Download, Upload, data_file_key
from .permissions import can_change_files
from .storage import BLOCK, data_file_storage, is_object_storage, s3_client, s3_key, stored_blocks

SNIFF_BYTES = 64 * 1024  # what libmagic reads to tell the media type


class UploadRefused(ValidationError):
    """An upload the rules do not allow: too large, a bad name, a frozen record. `status` is the HTTP status
    the tus endpoint answers with."""

    def __init__(self, message, status=400):
        super().__init__(message)
        self.status = status


class ChecksumMismatch(UploadRefused):
    def __init__(self, declared: str, actual: str):
        super().__init__(_("The file's SHA-256 is %(actual)s, not the declared %(declared)s; the upload was "
                           "discarded. Please upload it again.") % {"actual": actual, "declared": declared},
                         status=460)


class OffsetMismatch(UploadRefused):
    def __init__(self, expected: int):
        super().__init__(_("The upload continues at byte %(offset)d.") % {"offset": expected}, status=409)


@dataclass
class _Digests:
    offset: int
    sha256: "hashlib._Hash"
    md5: "hashlib._Hash"

    def update(self, data) -> None:
        self.sha256.update(data)
        self.md5.update(data)
        self.offset += len(data)


# Digests of the uploads this process has seen from their first byte, by upload id.
_digests: dict[str, _Digests] = {}
_digests_lock = threading.Lock()


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name or name in (".", ".."):
        raise UploadRefused(_("Give the file a name."))
    if len(name) > 255:
        raise UploadRefused(_("A file name may have at most 255 characters."))
    if any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise UploadRefused(_("A file name may not contain slashes or control characters: “%(name)s”.")
                            % {"name": name.encode("unicode_escape").decode()})
    return name


def _clean_sha256(value: str) -> str:
    value = (value or "").strip().lower()
    if value and (len(value) != 64 or any(c not in "0123456789abcdef" for c in value)):
        raise UploadRefused(_("The declared SHA-256 must be 64 hexadecimal digits."))
    return value


def project_bytes_used(project_id: int) -> int:
    """The bytes the project's records hold and reserve (files, plus uploads in progress at full length)."""
    stored = DataFile.objects.filter(record__project_id=project_id).aggregate(n=Sum("size"))["n"] or 0
    pending = Upload.objects.filter(record__project_id=project_id).aggregate(n=Sum("length"))["n"] or 0
    return stored + pending


def _check_size(record: ManagedData, length: int) -> None:
    if length < 0:
        raise UploadRefused(_("The upload length must be a number of bytes."))
    if length > settings.DATA_FILES_MAX_FILE_SIZE:
        raise UploadRefused(_("The file is %(size)s; one file may be at most %(limit)s.") % {
            "size": filesizeformat(length), "limit": filesizeformat(settings.DATA_FILES_MAX_FILE_SIZE)}, status=413)
    used = project_bytes_used(record.project_id)
    if used + length > settings.DATA_FILES_MAX_PROJECT_SIZE:
        raise UploadRefused(_("The file is %(size)s, but the project has only %(free)s left of its %(limit)s for "
                              "files.") % {"size": filesizeformat(length),
                                           "free": filesizeformat(max(settings.DATA_FILES_MAX_PROJECT_SIZE - used, 0)),
                                           "limit": filesizeformat(settings.DATA_FILES_MAX_PROJECT_SIZE)}, status=413)


def _check_can_change(actor, record: ManagedData) -> None:
    if not can_change_files(actor, record):
        if record.status not in ManagedData.EDITABLE:
            raise UploadRefused(_("This record is %(state)s: its files are frozen. Add files to a new version of "
                                  "the record.") % {"state": record.get_status_display()}, status=403)
        raise PermissionDenied(str(WRITE_REFUSAL))


@transaction.atomic
def upload_start(*, record_id: int, actor, name: str, length: int, declared_sha256: str = "") -> Upload:
    """Check everything that can be checked before a byte is sent (permission, name, per-file and
    per-project caps), then open the upload on the storage."""
    record = ManagedData.objects.select_for_update(of=("self",)).get(pk=record_id)
    _check_can_change(actor, record)
    name = _clean_name(name)
    declared_sha256 = _clean_sha256(declared_sha256)
    if record.files.filter(name=name).exists() or record.uploads.filter(name=name).exists():
        raise UploadRefused(_("The record already has a file named “%(name)s”. Delete it first or rename the new "
                              "one.") % {"name": name}, status=409)
    _check_size(record, length)
    upload = Upload(record=record, name=name, length=length, declared_sha256=declared_sha256, created_by=actor)
    upload.key = data_file_key(upload)
    if is_object_storage():
        upload.multipart_id = s3_client().create_multipart_upload(
            Bucket=data_file_storage.bucket_name, Key=s3_key(upload.key))["UploadId"]
    else:
        data_file_storage.save(upload.key, _EmptyFile())
    upload.save()
    with _digests_lock:
        _digests[str(upload.pk)] = _Digests(0, hashlib.sha256(), hashlib.md5(usedforsecurity=False))
    return upload


class _EmptyFile:
    """What FileSystemStorage.save needs to create an empty file."""

    name = ""

    def chunks(self):
        return iter(())


def _read_blocks(stream, length: int):
    """The request body, a block at a time, until `length` bytes or the client goes away."""
    remaining = length
    while remaining > 0:
        try:
            data = stream.read(min(BLOCK, remaining))
        except OSError:  # the client went away mid-request (UnreadablePostError, a reset connection)
            return
        if not data:
            return
        remaining -= len(data)
        yield data


def upload_append(*, upload: Upload, actor, offset: int, stream, length: int) -> Upload | DataFile:
    """Take up to `length` bytes at `offset` (tus PATCH). Keeps what arrived if the client goes away. Returns
    the upload, or the new DataFile once the last byte is in."""
    if upload.created_by_id != actor.pk:
        raise PermissionDenied(_("This upload belongs to someone else."))
    _check_can_change(actor, upload.record)
    if offset != upload.offset:
        raise OffsetMismatch(upload.offset)
    if offset + length > upload.length:
        raise UploadRefused(_("The request sends more bytes than the upload declared."), status=413)
    with _digests_lock:
        digests = _digests.get(str(upload.pk))
    if digests is not None and digests.offset != offset:
        digests = None
    if is_object_storage():
        _append_s3(upload, stream, length, digests)
    else:
        _append_local(upload, stream, length, digests)
    if digests is None:
        with _digests_lock:
            _digests.pop(str(upload.pk), None)
    Upload.objects.filter(pk=upload.pk).update(offset=upload.offset, parts=upload.parts)
    if upload.offset == upload.length:
        return upload_finish(upload=upload)
    return upload


def _append_local(upload: Upload, stream, length: int, digests: _Digests | None) -> None:
    with data_file_storage.open(upload.key, "r+b") as f:
        f.seek(upload.offset)
        for data in _read_blocks(stream, length):
            f.write(data)
            upload.offset += len(data)
            if digests:
                digests.update(data)
        f.truncate()
        if upload.offset == upload.length:  # on disk before the upload is reported complete
            f.flush()
            os.fsync(f.fileno())


def _parts(stream, length: int):
    """The request body in S3 parts of DATA_FILES_PART_SIZE, then what is left (perhaps nothing)."""
    part = bytearray()
    for data in _read_blocks(stream, length):
        part += data
        if len(part) >= settings.DATA_FILES_PART_SIZE:
            yield part
            part = bytearray()
    yield part


def _append_s3(upload: Upload, stream, length: int, digests: _Digests | None) -> None:
    """Send full parts as they fill, each while the next one is read from the client (so at most two parts
    are in memory); the last part of the file may be short. A short tail that is not the end of the file is
    not kept (S3 parts are at least 5 MiB): the client resends it from the offset it is told."""
    client = s3_client()  # thread-safe; django-storages keeps one per thread
    with ThreadPoolExecutor(max_workers=1) as sender:
        sending = None
        for part in _parts(stream, length):
            if sending is not None:
                _part_sent(upload, *sending.result(), digests)
                sending = None
            if part and (len(part) >= settings.DATA_FILES_PART_SIZE or upload.offset + len(part) == upload.length):
                sending = sender.submit(_send_part, client, upload, len(upload.parts) + 1, part)
        if sending is not None:
            _part_sent(upload, *sending.result(), digests)


def _send_part(client, upload: Upload, number: int, part: bytearray) -> tuple[int, str, bytearray]:
    answer = client.upload_part(Bucket=data_file_storage.bucket_name, Key=s3_key(upload.key),
                                UploadId=upload.multipart_id, PartNumber=number, Body=bytes(part))
    return number, answer["ETag"], part


def _part_sent(upload: Upload, number: int, etag: str, part: bytearray, digests: _Digests | None) -> None:
    upload.parts = [*upload.parts, {"PartNumber": number, "ETag": etag, "Size": len(part)}]
    upload.offset += len(part)
    if digests:
        digests.update(part)


def upload_finish(*, upload: Upload) -> DataFile:
    """Close the upload on the storage, check the declared checksum, detect the media type, keep the file."""
    if is_object_storage():
        s3_client().complete_multipart_upload(
            Bucket=data_file_storage.bucket_name, Key=s3_key(upload.key), UploadId=upload.multipart_id,
            MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in upload.parts]})
    with _digests_lock:
        digests = _digests.pop(str(upload.pk), None)
    if digests is None or digests.offset != upload.length:
        digests = _Digests(0, hashlib.sha256(), hashlib.md5(usedforsecurity=False))
        for data in stored_blocks(upload.key):
            digests.update(data)
    sha256, md5 = digests.sha256.hexdigest(), digests.md5.hexdigest()
    if upload.declared_sha256 and upload.declared_sha256 != sha256:
        data_file_storage.delete(upload.key)
        upload.delete()
        raise ChecksumMismatch(upload.declared_sha256, sha256)
    head = b"".join(stored_blocks(upload.key, SNIFF_BYTES)) if upload.length else b""
    media_type = magic.from_buffer(head, mime=True) if head else "application/x-empty"
    try:
        with transaction.atomic():
            data_file = DataFile.objects.create(
                record_id=upload.record_id, name=upload.name, size=upload.length, sha256=sha256, md5=md5,
                media_type=media_type, file=upload.key, uploaded_by_id=upload.created_by_id)
            upload.delete()
    except IntegrityError:
        data_file_storage.delete(upload.key)
        upload.delete()
        raise UploadRefused(_("The record already has a file named “%(name)s”.") % {"name": upload.name},
                            status=409) from None
    return data_file


def upload_abort(*, upload: Upload, actor) -> None:
    """Discard an upload in progress (tus termination) and whatever it had stored."""
    if upload.created_by_id != actor.pk and not can_change_files(actor, upload.record):
        raise PermissionDenied(_("This upload belongs to someone else."))
    _discard(upload)


def uploads_expire(*, now=None) -> int:
    """Discard uploads left unfinished for DATA_FILES_UPLOAD_EXPIRY_HOURS (they hold the project's quota);
    the number discarded. Run daily by beat (metadata.files.tasks.uploads_expire)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(hours=settings.DATA_FILES_UPLOAD_EXPIRY_HOURS)
    stale = list(Upload.objects.filter(created_at__lt=cutoff))
    for upload in stale:
        _discard(upload)
    return len(stale)


def _discard(upload: Upload) -> None:
    if is_object_storage():
        s3_client().abort_multipart_upload(Bucket=data_file_storage.bucket_name, Key=s3_key(upload.key),
                                            UploadId=upload.multipart_id)
    else:
        data_file_storage.delete(upload.key)
    with _digests_lock:
        _digests.pop(str(upload.pk), None)
    upload.delete()


def data_file_delete(*, data_file: DataFile, actor) -> None:
    """Delete a file of a draft or returned record; its bytes go once no other version of the record
    refers to them (a new version starts with its predecessor's files: `managed_data_new_version`)."""
    _check_can_change(actor, data_file.record)
    key = data_file.file.name
    data_file.delete()

    def delete_bytes():
        if not DataFile.objects.filter(file=key).exists():
            data_file_storage.delete(key)

    transaction.on_commit(delete_bytes)


def download_log(*, data_file: DataFile, user) -> Download:
    return Download.objects.create(record_id=data_file.record_id, file=data_file,
                                   user=user if user.is_authenticated else None)

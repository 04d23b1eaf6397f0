"""What a deposit sends about a record, independent of the protocol: titles, people, dates, rights, the
portal's landing page, and the files — the record's own data files, read as streams from the storage (a
record without files sends its metadata as `metadata.json`, so that repositories that need a file take it)."""

import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone

from metadata.models import ManagedData, RecordPerson

CHUNK = 1024 * 1024


@dataclass
class File:
    name: str
    size: int
    content_type: str
    md5: str
    sha256: str
    open: Callable[[], BinaryIO]  # a new stream at each call: every attempt reads the file afresh

    def chunks(self) -> Iterator[bytes]:
        with self.open() as stream:
            while chunk := stream.read(CHUNK):
                yield chunk


def landing_page(record: ManagedData) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{record.get_absolute_url()}"


def title(record: ManagedData) -> str:
    return record.title_en or record.title_ja


def description(record: ManagedData) -> str:
    return record.description_en or record.description_ja


def creators(record: ManagedData) -> list[str]:
    names = [p.name_en or p.name_ja for p in record.people.all() if p.kind == RecordPerson.Kind.CREATOR]
    return [name for name in names if name] or [record.hosting_institution_en or record.hosting_institution_ja
                                                or record.institution.name_en or record.institution.name_ja]


def issued(record: ManagedData) -> str:
    day = record.issued_date or (record.published_at or record.created_at).date()
    return day.isoformat()


def in_memory(name: str, content: bytes, content_type: str) -> File:
    return File(name, len(content), content_type, hashlib.md5(content).hexdigest(),
                hashlib.sha256(content).hexdigest(), lambda: io.BytesIO(content))


def _metadata_json(record: ManagedData) -> File:
    data = {
        "portal_record": landing_page(record),
        "title_ja": record.title_ja, "title_en": record.title_en,
        "description_ja": record.description_ja, "description_en": record.description_en,
        "data_type": record.data_type, "license": record.license, "access_right": record.access_right,
        "embargo_until": record.embargo_until.isoformat() if record.embargo_until else None,
        "issued": issued(record), "creators": creators(record),
    }
    return in_memory("metadata.json", json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json")


def files(record: ManagedData) -> list[File]:
    """The record's data files (never read here, only opened when sent), else its metadata as JSON."""
    stored = list(record.files.order_by("name", "pk"))
    if not stored:
        return [_metadata_json(record)]
    return [File(f.name, f.size, f.media_type or "application/octet-stream", f.md5, f.sha256,
                 lambda f=f: f.file.storage.open(f.file.name, "rb")) for f in stored]


class _Sink:
    """Where zipfile writes: collects what it wrote since the last drain (unseekable, so zipfile streams)."""

    def __init__(self):
        self.parts, self.position = [], 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def drain(self) -> Iterator[bytes]:
        parts, self.parts = self.parts, []
        yield from (part for part in parts if part)


def zip_stream(entries: Iterable[tuple[str, File]]) -> Iterator[bytes]:
    """A zip of the given files, produced piece by piece as the files are read (never whole in memory):
    the data files stored as they are (they are mostly compressed already), other entries deflated."""
    sink = _Sink()
    archive = zipfile.ZipFile(sink, "w", allowZip64=True)
    now = timezone.localtime().timetuple()[:6]
    for name, file in entries:
        info = zipfile.ZipInfo(name, date_time=now)
        info.compress_type = zipfile.ZIP_STORED if name.startswith("data/") else zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=file.size > 2**31) as target:
            for chunk in file.chunks():
                target.write(chunk)
                yield from sink.drain()
        yield from sink.drain()
    archive.close()
    yield from sink.drain()

"""What a deposit sends about a record, independent of the protocol: titles, people, dates, rights, the
portal's landing page, and the files (for now the record's metadata as JSON; managed data has no files in
the portal yet)."""

import json
from dataclasses import dataclass

from django.conf import settings

from metadata.models import ManagedData, RecordPerson


@dataclass
class File:
    name: str
    content: bytes
    content_type: str


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


def files(record: ManagedData) -> list[File]:
    data = {
        "portal_record": landing_page(record),
        "title_ja": record.title_ja, "title_en": record.title_en,
        "description_ja": record.description_ja, "description_en": record.description_en,
        "data_type": record.data_type, "license": record.license, "access_right": record.access_right,
        "embargo_until": record.embargo_until.isoformat() if record.embargo_until else None,
        "issued": issued(record), "creators": creators(record),
    }
    return [File("metadata.json", json.dumps(data, ensure_ascii=False, indent=2).encode(), "application/json")]

"""Reads of data files, by the access rule: the list goes wherever the record's metadata goes; a download
URL only to viewers with data access (the record annotated by `with_data_access(viewer)`)."""

from dataclasses import dataclass

from django.conf import settings

from .models import DataFile


@dataclass(frozen=True)
class FileEntry:
    name: str
    size: int
    sha256: str
    md5: str
    media_type: str
    download_url: str  # empty unless the viewer gets the data

    @property
    def extent(self) -> str:
        """The exact size as the exits write it (JPCOAR extent, DataCite size)."""
        return f"{self.size} bytes"


def record_files(record) -> list[FileEntry]:
    """The files of `record` as its viewer gets them. Reads `record.files.all()`, so lists prefetch "files"."""
    access = getattr(record, "data_access", False)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    return [FileEntry(f.name, f.size, f.sha256, f.md5, f.media_type,
                      base + f.get_absolute_url() if access else "")
            for f in record.files.all()]


def data_files_of(record_id: int):
    return DataFile.objects.filter(record_id=record_id).select_related("uploaded_by").order_by("name", "pk")

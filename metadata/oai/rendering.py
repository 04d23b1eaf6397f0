"""Render once, serve many. What a harvester receives for a record depends only on the record's public
view (the record as an anonymous viewer gets it: `with_data_access(AnonymousUser())`, its links from
`record_links`), so it is rendered when that view may have changed and stored in `HarvestRecord`: the
header's set memberships and the metadata in each format. `ListRecords` and `GetRecord` then stream the
stored fragments without building a model instance.

The datestamp is the result of the same comparison: `harvest_refresh` renders the records again and moves
the datestamp of exactly those whose rendering differs from the stored one. It runs in the transaction
of the change (signals in `signals.py` call it on every save of a record, its people, its project, program,
funder or institution, whatever the path: services, admin, imports, deposit), so the new fragment and its
datestamp commit together with the change or not at all. A record that leaves the public set keeps its
row as a deleted header (with a new datestamp); one that returns is live again with a new datestamp."""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.utils import timezone

from dmp.models import Project

from ..formats import datacite, jpcoar, oai_dc
from ..formats.writer import Writer
from ..models import ManagedData, RecordPerson
from ..vocabularies import ACCESS_RIGHT_SLUG, Status
from .models import HarvestRecord

# metadataPrefix -> (HarvestRecord column, record -> markup)
FORMAT_COLUMNS = {
    "jpcoar_2.0": ("jpcoar", jpcoar.record_to_jpcoar_markup),
    "oai_datacite": ("datacite", datacite.record_to_datacite_markup),
    "oai_dc": ("oai_dc", oai_dc.record_to_oai_dc_markup),
}
SET_COLUMNS = ("institution", "funder", "program", "access", "field")
COMPARED = ("deleted", *(column for column, _ in FORMAT_COLUMNS.values()), *SET_COLUMNS)
CHUNK = 500
_gathered: ContextVar[set | None] = ContextVar("harvest_gathered", default=None)


def oai_identifier(record_id: int) -> str:
    return f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{record_id}"


def datestamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def set_specs(row: HarvestRecord) -> list[str]:
    return [f"{kind}:{getattr(row, kind)}" for kind in SET_COLUMNS if getattr(row, kind)]


def header_markup(row: HarvestRecord) -> str:
    w = Writer()
    w.start("header", {"status": "deleted"} if row.deleted else None)
    w.element("identifier", oai_identifier(row.record_id))
    w.element("datestamp", datestamp(row.datestamp))
    for spec in set_specs(row):
        w.element("setSpec", spec)
    w.end("header")
    return w.markup()


def public_view(ids):
    """The public records among `ids`, annotated and loaded as the formats read them."""
    return (ManagedData.objects.public().with_data_access(AnonymousUser()).with_version_neighbours().filter(pk__in=ids)
            .select_related("institution")
            .prefetch_related(Prefetch("project", queryset=Project.objects.select_related("program__funder")),
                              Prefetch("people", queryset=RecordPerson.objects.select_related("user")
                                       .order_by("position", "pk")), "files"))


def _rendered(record: ManagedData) -> dict:
    program = record.project.program
    values = {"deleted": record.status == Status.WITHDRAWN, "institution": record.institution.code,
              "funder": program.funder.code, "program": str(program.pk),
              "access": ACCESS_RIGHT_SLUG.get(record.access_right, ""), "field": record.effective_research_field}
    for column, to_markup in FORMAT_COLUMNS.values():
        values[column] = "" if values["deleted"] else to_markup(record)
    return values


def _refresh_chunk(ids: list[int], now, *, initial: bool) -> int:
    records = {record.pk: record for record in public_view(ids)}
    rows = HarvestRecord.objects.in_bulk(ids)
    created, changed = [], []
    for pk in ids:
        record, row = records.get(pk), rows.get(pk)
        if record is None:  # not (or no longer) public: a deleted header, if it ever was harvested
            if row is None or row.deleted:
                continue
            values = {"deleted": True, **{column: "" for column, _ in FORMAT_COLUMNS.values()}}
        else:
            values = _rendered(record)
        if row is not None and all(getattr(row, name) == value for name, value in values.items()):
            continue
        new = row is None
        if new:
            row = HarvestRecord(record_id=pk)
            created.append(row)
        else:
            changed.append(row)
        for name, value in values.items():
            setattr(row, name, value)
        # A first rendering of an already-released record (`oai_render` on an existing database) keeps
        # the datestamp the record had; any other change is news to harvesters from now on.
        row.datestamp = record.datestamp if initial and new and record is not None else now
        row.header = header_markup(row)
    HarvestRecord.objects.bulk_create(created)
    HarvestRecord.objects.bulk_update(changed, ["datestamp", "header", *COMPARED])
    moved = [row.record_id for row in created + changed if row.datestamp == now]
    if moved:  # the record shows (in the API and its lists) the datestamp harvesters get
        ManagedData.objects.filter(pk__in=moved).update(datestamp=now)
    return len(created) + len(changed)


def harvest_refresh(ids: Iterable[int], *, initial: bool = False) -> int:
    """Render these records again; store and re-date those whose public view changed. Returns how many
    (none yet inside `harvest_refresh_once`, which renders them at its end)."""
    gathered = _gathered.get()
    if gathered is not None and not initial:
        gathered.update(ids)
        return 0
    ids = sorted(set(ids))
    now = timezone.now()
    return sum(_refresh_chunk(ids[start:start + CHUNK], now, initial=initial) for start in range(0, len(ids), CHUNK))


@contextmanager
def harvest_refresh_once():
    """Gather the refreshes asked for inside the block (a bulk write's signals ask once per row) and render
    each record once at its end, still in the caller's transaction; nothing if the block raises."""
    gathered: set[int] = set()
    token = _gathered.set(gathered)
    try:
        yield
    finally:
        _gathered.reset(token)
    harvest_refresh(gathered)


def harvest_refresh_all(*, initial: bool = False) -> int:
    """Every record that is or was harvestable (after a change to a format: `manage.py oai_render`)."""
    ids = set(ManagedData.objects.public().values_list("pk", flat=True))
    ids.update(HarvestRecord.objects.filter(deleted=False).values_list("record_id", flat=True))
    return harvest_refresh(ids, initial=initial)

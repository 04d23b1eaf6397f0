"""Reads for OAI-PMH, all from the stored renderings (`HarvestRecord`, kept by `rendering.py`): a record
whose metadata is restricted or closed, or that was never released, has no row and does not exist for a
harvester; one that left the public set is a deleted header.

Paging is a keyset on the record id, inside the harvest's datestamp window. Ordering on the id (not on
the datestamp) is what keeps a harvest exact while records change: a record changed during a harvest
keeps its place, so it is delivered once (in its new version if the harvest had not reached it yet);
a record added during the harvest has a larger id and comes at the end. A change to a record the
harvest already passed gets a datestamp after the harvest began, so the next incremental harvest
(`from` = this harvest's first responseDate) collects it."""

import datetime

from django.db.models import Min, Q

from policy.models import FundingProgram
from portal.models import Funder, Institution

from ..formats.common import labels
from ..vocabularies import ACCESS_RIGHT_SLUG
from .models import HarvestRecord
from .rendering import SET_COLUMNS

# A setSpec's syntax (OAI-PMH schema, setSpecType); anything else is a bad argument.
SET_SPEC = r"([A-Za-z0-9\-_\.!~\*'\(\)])+(:[A-Za-z0-9\-_\.!~\*'\(\)]+)*"


def set_filter(set_spec: str) -> Q | None:
    """The filter of one (syntactically valid) setSpec, or None when this repository has no such set."""
    kind, _, value = set_spec.partition(":")
    if kind not in SET_COLUMNS or ":" in value:
        return None
    return Q(**{kind: value}) if value else ~Q(**{kind: ""})


def oai_rows(*, set_spec: str | None, start: datetime.datetime | None,
             end: datetime.datetime | None):
    """The harvest's rows (unpaged, ordered by id), or None if the set does not exist.
    `start` is inclusive and `end` exclusive."""
    rows = HarvestRecord.objects.all()
    if set_spec:
        condition = set_filter(set_spec)
        if condition is None:
            return None
        rows = rows.filter(condition)
    if start:
        rows = rows.filter(datestamp__gte=start)
    if end:
        rows = rows.filter(datestamp__lt=end)
    return rows.order_by("record_id")


def oai_row(record_id: int) -> HarvestRecord | None:
    return HarvestRecord.objects.filter(record_id=record_id).first()


def oai_earliest_datestamp() -> datetime.datetime | None:
    return HarvestRecord.objects.aggregate(earliest=Min("datestamp"))["earliest"]


def oai_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of exactly the sets that hold harvestable records (deleted headers included):
    the kinds first, then their members."""
    def members(kind: str) -> list[str]:
        return list(HarvestRecord.objects.exclude(**{kind: ""}).order_by(kind).values_list(kind, flat=True)
                    .distinct())

    def name(obj) -> str:
        return " / ".join(dict.fromkeys(n for n in (obj.name_ja, obj.name_en) if n))

    held = {kind: members(kind) for kind in SET_COLUMNS}
    kinds = {"institution": "Institutions / 機関", "funder": "Funders / 資金配分機関",
             "program": "Funding programs / 事業・制度", "access": "Access rights / アクセス権",
             "field": "Research fields / 分野"}
    sets = [(kind, label) for kind, label in kinds.items() if held[kind]]
    institutions = {i.code: name(i) for i in Institution.objects.filter(code__in=held["institution"])}
    funders = {f.code: name(f) for f in Funder.objects.filter(code__in=held["funder"])}
    programs = {str(p.pk): name(p) for p in FundingProgram.objects.filter(pk__in=[int(v) for v in held["program"]])}
    access = {slug: " / ".join(labels("access_right")[value]) for value, slug in ACCESS_RIGHT_SLUG.items()}
    fields = {code: " / ".join(names) for code, names in labels("research_field").items()}
    for kind, names in (("institution", institutions), ("funder", funders), ("program", programs),
                        ("access", access), ("field", fields)):
        sets += [(f"{kind}:{value}", names.get(value) or value) for value in held[kind]]
    return sets

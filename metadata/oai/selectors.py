"""Reads for OAI-PMH. Everything starts from `ManagedData.objects.public()`: a record whose metadata is
restricted or closed, or that was never released, does not exist for a harvester.

Paging is a keyset on the record id, inside the harvest's datestamp window. Ordering on the id (not on
the datestamp) is what keeps a harvest exact while records change: a record changed during a harvest
keeps its place, so it is delivered once (in its new version if the harvest had not reached it yet);
a record added during the harvest has a larger id and comes at the end. A change to a record the
harvest already passed gets a datestamp after the harvest began, so the next incremental harvest
(`from` = this harvest's first responseDate) collects it."""

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Min, Prefetch, Q

from dmp.models import Project
from policy.models import FundingProgram
from portal.models import Funder, Institution

from ..formats.common import labels
from ..models import ManagedData, RecordPerson
from ..vocabularies import ACCESS_RIGHT_SLUG, PROJECT_FIELD

SLUG_ACCESS_RIGHT = {slug: value for value, slug in ACCESS_RIGHT_SLUG.items()}
SET_KINDS = ("institution", "funder", "program", "access", "field")


# Columns no header or format reads: left in the database.
UNUSED = ("remarks_ja", "remarks_en", "withdrawn_reason", "created_by", "created_at", "updated_at",
          "embargo_lifted_at")


def oai_queryset(*, with_people: bool):
    """Public records with what the headers and formats read (and the data access of everyone, which
    decides the links the formats give). Institutions and projects (with their
    program and funder) are prefetched, not joined: a page shares a few of them, and one model instance
    each instead of one per record keeps a page fast."""
    records = ManagedData.objects.public().with_data_access(AnonymousUser()).defer(*UNUSED).prefetch_related(
        "institution", Prefetch("project", queryset=Project.objects.select_related("program__funder")))
    if with_people:  # the formats: harvesters get the data (file URLs) as anonymous visitors do
        records = records.prefetch_related(
            Prefetch("people", queryset=RecordPerson.objects.select_related("user").order_by("position", "pk")),
            "files")
    return records


def set_filter(set_spec: str) -> Q | None:
    """The filter of one setSpec, or None when no such set exists."""
    kind, _, value = set_spec.partition(":")
    if kind not in SET_KINDS or ":" in value:
        return None
    if not value:
        return Q()
    if kind == "institution":
        return Q(institution__code=value)
    if kind == "funder":
        return Q(project__program__funder__code=value)
    if kind == "program":
        return Q(project__program_id=int(value)) if value.isdigit() else None
    if kind == "access":
        return Q(access_right=SLUG_ACCESS_RIGHT[value]) if value in SLUG_ACCESS_RIGHT else None
    return Q(research_field=value) | Q(research_field=PROJECT_FIELD, project__research_field=value)


def oai_records(*, set_spec: str | None, start: datetime.datetime | None, end: datetime.datetime | None,
                with_people: bool):
    """The harvest's list (unpaged, ordered by id), or None if the set does not exist.
    `start` is inclusive and `end` exclusive."""
    records = oai_queryset(with_people=with_people)
    if set_spec:
        condition = set_filter(set_spec)
        if condition is None:
            return None
        records = records.filter(condition)
    if start:
        records = records.filter(datestamp__gte=start)
    if end:
        records = records.filter(datestamp__lt=end)
    return records.order_by("id")


def oai_record(record_id: int) -> ManagedData | None:
    return oai_queryset(with_people=True).filter(pk=record_id).first()


def oai_earliest_datestamp() -> datetime.datetime | None:
    return ManagedData.objects.public().aggregate(earliest=Min("datestamp"))["earliest"]


def record_set_specs(record: ManagedData) -> list[str]:
    program = record.project.program
    specs = [f"institution:{record.institution.code}", f"funder:{program.funder.code}", f"program:{program.pk}"]
    if record.access_right:
        specs.append(f"access:{ACCESS_RIGHT_SLUG[record.access_right]}")
    specs.append(f"field:{record.effective_research_field}")
    return specs


def oai_sets() -> list[tuple[str, str]]:
    """(setSpec, setName) of every set with public records, after the five top-level sets."""
    public = ManagedData.objects.public()
    sets = [("institution", "Institutions / 機関"), ("funder", "Funders / 資金配分機関"),
            ("program", "Funding programs / 事業・制度"), ("access", "Access rights / アクセス権"),
            ("field", "Research fields / 分野")]

    def name(obj) -> str:
        return " / ".join(dict.fromkeys(n for n in (obj.name_ja, obj.name_en) if n))

    sets += [(f"institution:{i.code}", name(i)) for i in Institution.objects.filter(managed_data__in=public).distinct()]
    sets += [(f"funder:{f.code}", name(f))
             for f in Funder.objects.filter(programs__projects__managed_data__in=public).distinct()]
    sets += [(f"program:{p.pk}", name(p))
             for p in FundingProgram.objects.filter(projects__managed_data__in=public).distinct()]
    sets += [(f"access:{slug}", " / ".join(labels("access_right")[value])) for value, slug in ACCESS_RIGHT_SLUG.items()]
    sets += [(f"field:{code}", " / ".join(names)) for code, names in labels("research_field").items()]
    return sets

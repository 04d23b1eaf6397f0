"""Reads of managed data. Every function starts from a queryset that already went through `visible_to`."""

from types import SimpleNamespace

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext

from portal import inbox
from portal.i18n import history_kind, pick
from portal.validators import normalize_search_text

from .models import CurationEvent, ManagedData, RecordPerson
from .permissions import record_links
from .vocabularies import Status


def managed_data_search(queryset, text: str):
    """Every word must occur in the title or description (Japanese or English). Both sides are compared in
    their NFKC, lower-case form, so full-width ＢＭＩ finds BMI and half-width ｺｰﾊﾟｽ finds コーパス. On PostgreSQL a
    trigram index on `search_text` serves the LIKE; Japanese needs no word breaks for it."""
    for word in normalize_search_text(text).split():
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def managed_data_list(queryset):
    """Rows for list pages and the API: everything a row shows, in a constant number of queries."""
    return queryset.select_related("project__program__funder", "institution").prefetch_related(
        Prefetch("people", queryset=RecordPerson.objects.order_by("kind", "position", "pk"))
    )


def managed_data_detail(queryset, pk: int) -> ManagedData:
    return queryset.select_related(
        "project__program__funder", "project__department", "institution", "created_by"
    ).prefetch_related(
        Prefetch("people", queryset=RecordPerson.objects.order_by("kind", "position", "pk")),
        Prefetch("curation_events", queryset=CurationEvent.objects.select_related("actor")),
    ).get(pk=pk)


def managed_data_changes(record: ManagedData) -> list[dict]:
    """The record's history, newest first: who, when, and each changed field with old → new."""
    entries = list(record.history.select_related("history_user").order_by("-history_date", "-history_id"))
    changes = []
    for newer, older in zip(entries, entries[1:] + [None], strict=True):
        fields = []
        if older is not None:
            delta = newer.diff_against(older)
            fields = [_field_change(ManagedData._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
        changes.append({"when": newer.history_date, "who": newer.history_user,
                        "kind": history_kind(newer), "fields": fields})
    return changes


def managed_data_versions(record: ManagedData, user) -> list[dict]:
    """The versions of `record` that `user` sees, oldest first, the latest published one marked."""
    versions = list(ManagedData.objects.visible_to(user).filter(
        Q(pk=record.first_version_id) | Q(version_of=record.first_version_id)).order_by("version")
        .only("pk", "version", "status", "published_at", "datestamp", "title_ja", "title_en"))
    if len(versions) < 2:
        return []
    latest = max((v.version for v in versions if v.is_published), default=None)
    return [{"record": v, "is_latest": v.version == latest, "is_this": v.pk == record.pk} for v in versions]


def _field_change(field, old, new) -> dict:
    """A changed field by its label, with coded values (states, access rights, …) shown by their labels."""
    labels = dict(field.flatchoices) if field.choices else {}
    return {"field": capfirst(field.verbose_name), "old": labels.get(old, old), "new": labels.get(new, new)}


def inbox_sections(user):
    """The managed-data work waiting for `user` (portal.inbox): records to curate, oldest first; their
    records returned to them, with the librarian's message; their drafts; failed deposits they curate."""
    records = ManagedData.objects.select_related("project")
    returned_message = Subquery(CurationEvent.objects.filter(record=OuterRef("pk"), to_status=Status.RETURNED)
                                .order_by("-at", "-pk").values("message")[:1])
    queue, mine = reverse("metadata:curation-queue"), reverse("metadata:managed-data-mine")
    yield inbox.section(
        key="curation", title=gettext("Records waiting for your curation"), url=queue,
        queryset=records.curatable_by(user).filter(status=Status.SUBMITTED).order_by("updated_at", "pk"),
        item=lambda r: inbox.InboxItem(str(r), r.get_absolute_url(), str(r.project)),
    )
    yield inbox.section(
        key="records-returned", title=gettext("Your records returned to you"), url=f"{mine}?status={Status.RETURNED}",
        queryset=records.with_person(user).filter(status=Status.RETURNED).annotate(returned_message=returned_message)
        .order_by("updated_at", "pk"),
        item=lambda r: inbox.InboxItem(str(r), r.get_absolute_url(), r.returned_message or ""),
    )
    yield inbox.section(
        key="records-drafts", title=gettext("Your managed-data drafts"), url=f"{mine}?status={Status.DRAFT}",
        queryset=records.with_person(user).filter(status=Status.DRAFT).order_by("-updated_at", "-pk"),
        item=lambda r: inbox.InboxItem(str(r), r.get_absolute_url(), str(r.project)),
    )


# What DMP pages read of a project's managed data (dmp does not import metadata: `metadata.apps` hands
# `DMP_DATASETS` to `dmp.selectors.managed_data_reads_register`). Rows are plain dicts of the elements a
# DMP's dataset table can show (its template's columns pick from them) and are frozen in each version.

DATASET_FIELDS = (
    "pk", "data_no", "title_ja", "title_en", "description_ja", "description_en", "data_type", "file_size",
    "access_right", "embargo_until", "license", "repository_info_ja", "repository_info_en", "repository_url",
    "hosting_institution_ja", "hosting_institution_en", "status",
)
PAIRS = ("title", "description", "repository_info", "hosting_institution")


def dmp_dataset_snapshot(*, project) -> list[dict]:
    """Every record of `project` (a record with versions as its latest) as JSON-ready rows, as a DMP version
    freezes them."""
    rows = (ManagedData.objects.latest_versions().filter(project=project).order_by("data_no", "pk")
            .values(*DATASET_FIELDS))
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in rows]


def dmp_dataset_rows(*, project, viewer) -> list[dict]:
    """The records of `project` that `viewer` sees (a DMP's readers see them all; a record with versions as
    its latest), as rows whose data
    location is the one `viewer` gets (`record_links`)."""
    records = (ManagedData.objects.visible_to(viewer).with_data_access(viewer).latest_versions()
               .filter(project=project).order_by("data_no", "pk"))
    return [{**{k: getattr(r, k) for k in DATASET_FIELDS}, "repository_url": record_links(r).location}
            for r in records.only(*DATASET_FIELDS[1:], "doi")]


def dmp_dataset_frozen_rows(*, rows: list[dict], viewer) -> list[dict]:
    """Rows frozen in a DMP version with the data location `viewer` gets now: the frozen location if it is
    a DOI or `viewer` gets the record's data today, else the record's landing page."""
    pks = [row["pk"] for row in rows]
    access = set(ManagedData.objects.visible_to(viewer).with_data_access(viewer)
                 .filter(pk__in=pks, data_access=True).values_list("pk", flat=True))
    shown = []
    for row in rows:
        frozen = ManagedData(pk=row["pk"], repository_url=row.get("repository_url") or "")
        frozen.data_access = row["pk"] in access
        shown.append({**row, "repository_url": record_links(frozen).location})
    return shown


def dmp_dataset_labels(rows: list[dict]) -> list[dict]:
    """Rows for display: choice values as their labels, the bilingual pairs picked, whether the record can
    still be edited (a draft or returned record)."""
    choices = {f.name: dict(f.choices) for f in ManagedData._meta.fields if f.choices}
    shown = []
    for row in rows:
        out = {k: (choices[k].get(v, v) if k in choices and v else v) for k, v in row.items()}
        for base in PAIRS:
            out[base] = pick(row, base)
        out["editable"] = row.get("status") in ManagedData.EDITABLE
        shown.append(out)
    return shown


def dmp_has_datasets(*, project) -> bool:
    return ManagedData.objects.filter(project=project).exists()


DMP_DATASETS = SimpleNamespace(snapshot=dmp_dataset_snapshot, rows=dmp_dataset_rows,
                               frozen_rows=dmp_dataset_frozen_rows, labels=dmp_dataset_labels,
                               exists=dmp_has_datasets)

"""Reads of managed data. Every function starts from a queryset that already went through `visible_to`."""

from django.db.models import Prefetch, Q

from .models import CurationEvent, ManagedData, RecordPerson


def managed_data_search(queryset, text: str):
    """Every word must occur in the title or description (Japanese or English). On PostgreSQL a trigram
    index on `search_text` serves the ILIKE; Japanese needs no word breaks for it."""
    for word in text.split():
        queryset = queryset.filter(search_text__contains=word.lower())
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
            fields = [
                {"field": ManagedData._meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        changes.append({"when": newer.history_date, "who": newer.history_user,
                        "kind": newer.get_history_type_display(), "fields": fields})
    return changes


def managed_data_versions(record: ManagedData, user) -> list[dict]:
    """The versions of `record` that `user` sees, oldest first, the latest published one marked."""
    versions = list(ManagedData.objects.visible_to(user).filter(
        Q(pk=record.first_version_id) | Q(version_of=record.first_version_id)).order_by("version")
        .only("pk", "version", "status", "published_at", "datestamp", "title_ja", "title_en"))
    if len(versions) < 2:
        return []
    latest = max((v.version for v in versions if v.status == "published"), default=None)
    return [{"record": v, "is_latest": v.version == latest, "is_this": v.pk == record.pk} for v in versions]

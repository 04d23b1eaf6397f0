"""Reads of managed data. Every function starts from a queryset that already went through `visible_to`."""

from django.db.models import Prefetch

from portal.validators import normalize_search_text

from .models import CurationEvent, ManagedData, RecordPerson


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
            fields = [
                {"field": ManagedData._meta.get_field(c.field).verbose_name, "old": c.old, "new": c.new}
                for c in delta.changes
            ]
        changes.append({"when": newer.history_date, "who": newer.history_user,
                        "kind": newer.get_history_type_display(), "fields": fields})
    return changes

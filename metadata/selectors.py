"""Reads of managed data. Every function starts from a queryset that already went through `visible_to`."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext, pgettext_lazy

from portal import inbox

from .models import CurationEvent, ManagedData, RecordPerson
from .vocabularies import Status


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
            fields = [_field_change(ManagedData._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
        changes.append({"when": newer.history_date, "who": newer.history_user,
                        "kind": HISTORY_KINDS.get(newer.history_type, newer.history_type), "fields": fields})
    return changes


HISTORY_KINDS = {"+": pgettext_lazy("history", "Created"), "~": pgettext_lazy("history", "Changed"),
                 "-": pgettext_lazy("history", "Deleted")}


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
        queryset=records.curated_by(user).filter(status=Status.SUBMITTED).order_by("updated_at", "pk"),
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

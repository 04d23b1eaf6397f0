"""The sheet's bulk revision service: saved with history rows, people replaced, and refused whole when a
record changed after it was read."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from metadata.models import ManagedData, RecordPerson
from metadata.services import managed_data_revise, managed_data_update, managed_data_update_many
from tests.factories import ProjectFactory, make_record

pytestmark = pytest.mark.django_db


def _read(record):
    return ManagedData.objects.select_related("project").prefetch_related("people").get(pk=record.pk)


def _revision(record, title):
    read = _read(record)
    revised = copy.copy(read)
    rows = managed_data_revise(record=revised, data={"title_en": title},
                               people=[{"kind": "data_manager", "name_en": "Hanako Sato"}], check_unique=False)
    return read, revised, rows


def test_revisions_are_saved_with_history_and_new_people():
    project = ProjectFactory()
    records = [make_record(project=project, data_no=str(n)) for n in (1, 2)]
    managed_data_update_many(actor=project.pi, revisions=[_revision(r, f"Revised {r.data_no}") for r in records])
    for record in records:
        record.refresh_from_db()
        assert record.title_en == f"Revised {record.data_no}"
        assert "revised" in record.search_text
        assert [(h.history_type, h.history_user, h.title_en) for h in record.history.all()][0] == (
            "~", project.pi, f"Revised {record.data_no}")
        assert [(p.kind, p.name_en) for p in record.people.all()] == [("data_manager", "Hanako Sato")]


def test_a_record_changed_after_it_was_read_saves_nothing():
    project = ProjectFactory()
    first, second = (make_record(project=project, data_no=str(n)) for n in (1, 2))
    revisions = [_revision(first, "Mine"), _revision(second, "Mine too")]
    managed_data_update(record_id=second.pk, actor=project.pi, data={"title_ja": "他の人の変更"})
    with translation.override("en"), pytest.raises(ValidationError, match="changed by someone else"):
        managed_data_update_many(actor=project.pi, revisions=revisions)
    assert set(ManagedData.objects.values_list("title_en", flat=True)) == {"Daily dialogue corpus"}
    assert RecordPerson.objects.filter(name_en="Hanako Sato").count() == 0

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from metadata.models import ManagedData
from metadata.services import managed_data_create, managed_data_lift_embargoes, managed_data_update
from metadata.tasks import lift_embargoes
from tests.factories import COMPLETE_PEOPLE, COMPLETE_RECORD, ProjectFactory, UserFactory, make_record

pytestmark = pytest.mark.django_db


def test_a_draft_may_be_incomplete_but_lists_what_is_missing():
    project = ProjectFactory()
    record = managed_data_create(project=project, actor=project.pi, data={"title_en": "Only a title"})
    missing = record.completeness_errors()
    assert set(missing) == {"description_ja", "citation_ja", "hosting_institution_ja", "license", "access_right",
                            "contact_email", "people"}


def test_complete_record_has_nothing_missing():
    assert make_record().completeness_errors() == {}


def test_embargo_date_is_required_exactly_when_embargoed_and_in_the_future():
    record = make_record(access_right="embargoed access")
    assert "embargo_until" in record.completeness_errors()
    record.embargo_until = timezone.localdate()
    with translation.override("en"):
        assert record.completeness_errors()["embargo_until"] == [
            "The publication date of an embargo must be in the future."]
    record.embargo_until = timezone.localdate() + datetime.timedelta(days=1)
    assert record.completeness_errors() == {}
    with pytest.raises(ValidationError) as error:
        make_record(access_right="open access", embargo_until=timezone.localdate() + datetime.timedelta(days=3))
    assert "embargo_until" in error.value.message_dict


def test_contact_rule_accepts_email_or_organization_address_and_phone():
    record = make_record(contact_email="")
    assert "contact_email" in record.completeness_errors()
    record.contact_org_ja, record.contact_address_ja, record.contact_phone = "研究推進部", "東京都", "03-1234-5678"
    assert "contact_email" not in record.completeness_errors()


def test_bare_doi_is_normalised_and_a_broken_doi_is_rejected():
    record = make_record(repository_url="10.1234/abc.def")
    assert record.repository_url == "https://doi.org/10.1234/abc.def"
    with pytest.raises(ValidationError) as error:
        make_record(repository_url="10.12/not a doi")
    assert "repository_url" in error.value.message_dict


@pytest.mark.parametrize("field, value", [("file_size", "ten gigabytes"), ("contact_phone", "call me"),
                                          ("hosting_institution_ror", "ror:123")])
def test_malformed_elements_are_rejected_even_in_a_draft(field, value):
    with pytest.raises(ValidationError) as error:
        make_record(**{field: value})
    assert field in error.value.message_dict


def test_bad_erad_number_of_a_creator_is_rejected():
    with pytest.raises(ValidationError) as error:
        make_record(people=[{"kind": "creator", "name_en": "A", "erad_researcher_number": "123"}])
    assert "people[0].erad_researcher_number" in error.value.message_dict  # which person, which field


def test_data_number_is_unique_within_a_project_only():
    project = ProjectFactory()
    make_record(project=project, data_no="7")
    make_record(data_no="7")  # another project
    with pytest.raises(ValidationError):
        make_record(project=project, data_no="7")


def test_only_the_projects_people_register_or_edit_its_data():
    project = ProjectFactory()
    with pytest.raises(PermissionDenied):
        managed_data_create(project=project, actor=UserFactory(), data=COMPLETE_RECORD, people=COMPLETE_PEOPLE)
    record = make_record(project=project, status="submitted")
    with pytest.raises(PermissionDenied):
        managed_data_update(record_id=record.pk, actor=project.pi, data={"title_en": "changed while submitted"})


def test_daily_job_opens_a_due_embargo_and_bumps_the_datestamp():
    record = make_record(status="published", access_right="embargoed access",
                         embargo_until=timezone.localdate() + datetime.timedelta(days=10))
    before = record.datestamp
    assert lift_embargoes.delay().get() == 0
    ManagedData.objects.filter(pk=record.pk).update(embargo_until=timezone.localdate())  # the day has come
    assert lift_embargoes.delay().get() == 1
    record.refresh_from_db()
    assert record.datestamp > before and record.embargo_lifted_at is not None
    assert managed_data_lift_embargoes() == 0  # idempotent


def test_lifting_an_embargo_is_kept_in_history_and_shown_as_a_curation_event(client):
    record = make_record(status="published", access_right="embargoed access",
                         embargo_until=timezone.localdate() + datetime.timedelta(days=10))
    ManagedData.objects.filter(pk=record.pk).update(embargo_until=timezone.localdate())
    changes_before = record.history.count()
    assert managed_data_lift_embargoes() == 1
    latest = record.history.latest()
    assert record.history.count() == changes_before + 1 and latest.embargo_lifted_at is not None
    assert latest.history_user is None  # the daily job, not a person
    event = record.curation_events.last()
    assert (event.action, event.actor, event.from_status, event.to_status) == (
        "lift_embargo", None, "published", "published")
    client.force_login(record.project.pi)
    with translation.override("en"):
        assert "Embargo lifted" in client.get(record.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_every_change_is_kept_in_history_with_its_author():
    record = make_record()
    managed_data_update(record_id=record.pk, actor=record.project.pi, data={"title_en": "Renamed corpus"})
    latest = record.history.order_by("-history_date").first()
    assert latest.title_en == "Renamed corpus" and latest.history_user == record.project.pi
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("title_en", "Daily dialogue corpus", "Renamed corpus")]

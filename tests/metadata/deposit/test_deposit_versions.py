"""Depositing a new version of a record (or a record changed since) into a repository where it already is
makes a new version of the same remote record, as each repository's API does it — never a second record."""

import pytest

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from metadata.deposit.worker import deposit_job_run
from tests.metadata.conftest import publish_new_version
from tests.metadata.deposit.fixtures import (  # noqa: F401
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
)


def _deposit(record, repository, librarian, capture):  # noqa: F811
    with capture(execute=True):
        created, existing = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    return created, existing


@pytest.fixture
def record(institution, librarian):  # noqa: F811
    return published_record(institution, librarian, title_en="Scalp EEG")


def test_new_version_into_inveniordm_is_a_new_version_of_the_same_record(
        fakes, record, librarian, institution, django_capture_on_commit_callbacks):  # noqa: F811
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    [job], _ = _deposit(v2, repository, librarian, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "succeeded", job.last_error

    [(parent, versions)] = fake.parents().items()  # one remote record …
    assert [(v["index"], v["published"], v["metadata"]["title"]) for v in versions] == [
        (1, True, "Scalp EEG"), (2, True, "Scalp EEG, cleaned")]  # … with two versions
    assert versions[1]["metadata"]["publication_date"]  # the new version's own, as InvenioRDM requires
    assert job.previous_remote_id == versions[0]["id"] and job.remote_id == versions[1]["id"]
    assert (job.copy.version, job.copy.doi) == ("2", versions[1]["doi"])
    assert [c.version for c in record.copies.filter(repository=repository)] == ["1"]


def test_new_version_into_dataverse_is_a_new_dataset_version(
        fakes, record, librarian, institution, django_capture_on_commit_callbacks):  # noqa: F811
    fake = fakes["dataverse"]
    repository = make_repository("dataverse", fake, institution)
    _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    [job], _ = _deposit(v2, repository, librarian, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "succeeded", job.last_error

    [dataset] = fake.records.values()  # one dataset, one persistent id …
    titles = [next(f["value"] for f in v["fields"] if f["typeName"] == "title") for v in dataset["released"]]
    assert [v["number"] for v in dataset["released"]] == [1, 2] and titles == ["Scalp EEG", "Scalp EEG, cleaned"]
    doi = dataset["pid"].removeprefix("doi:")
    assert [(c.version, c.doi) for c in DepositJob.objects.get(record=record).copy.record.copies.filter(
        repository=repository)] == [("1.0", doi)]
    assert (job.copy.version, job.copy.doi) == ("2.0", doi)


def test_new_version_into_sword_replaces_the_item_on_its_edit_iri(
        fakes, record, librarian, institution, django_capture_on_commit_callbacks):  # noqa: F811
    fake = fakes["sword2"]
    repository = make_repository("sword2", fake, institution)
    _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    [job], _ = _deposit(v2, repository, librarian, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.state == "succeeded", job.last_error
    [item] = fake.records.values()
    assert (item["title"], item["version"], item["in_progress"]) == ("Scalp EEG, cleaned", 2, False)
    assert ("PUT", f"/sword/edit/{item['id']}") in fake.calls


def test_an_unchanged_record_is_not_deposited_twice_a_changed_one_is_versioned(
        fakes, record, librarian, institution, django_capture_on_commit_callbacks):  # noqa: F811
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    [first], _ = _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    created, existing = _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    assert (created, [j.pk for j in existing]) == ([], [first.pk])
    # The record changes (what harvesters see moves: here its embargo lifted, or a curator's correction).
    type(record).objects.filter(pk=record.pk).update(datestamp=record.datestamp.replace(year=2099))
    [again], _ = _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.state == "succeeded", again.last_error
    assert [len(v) for v in fake.parents().values()] == [2]


def test_an_interrupted_new_version_resumes_without_a_third_version(
        settings, fakes, record, librarian, institution, django_capture_on_commit_callbacks):  # noqa: F811
    settings.DEPOSIT_BACKOFF_SECONDS = 0.1
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    _deposit(record, repository, librarian, django_capture_on_commit_callbacks)
    v2 = publish_new_version(record, librarian, title_en="Scalp EEG, cleaned")
    [job], _ = deposit_jobs_queue(record_ids=[v2.pk], repository_id=repository.pk, actor=librarian)
    fake.fail_next(1, "503", after=1)  # the version draft is made, then its metadata update fails
    assert deposit_job_run(job_id=job.pk) is not None
    assert deposit_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.state == "succeeded", job.last_error
    assert [[v["index"] for v in vs] for vs in fake.parents().values()] == [[1, 2]]

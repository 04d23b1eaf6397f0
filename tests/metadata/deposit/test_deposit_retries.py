"""Transient failures are retried with exponential backoff (and Retry-After); permanent ones fail at once
with a reason a librarian can act on; a lost answer never leads to a second remote record."""

import datetime

import pytest
from django.utils import timezone

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from metadata.deposit.worker import deposit_job_run
from tests.conftest import wait_for
from tests.metadata.deposit.fixtures import (  # noqa: F401
    KINDS,
    SECRETS,
    deposit_worker,
    fakes,
    institution,
    librarian,
    make_repository,
    record,
)


@pytest.fixture
def quick(settings):
    settings.DEPOSIT_HTTP_TIMEOUT = 0.5
    settings.DEPOSIT_BACKOFF_SECONDS = 1
    settings.DEPOSIT_MAX_ATTEMPTS = 4
    return settings


def _queued_job(kind, fakes, record, librarian, institution, **repository_fields) -> DepositJob:  # noqa: F811
    repository = make_repository(kind, fakes[kind], institution, **repository_fields)
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    return job  # its task is sent on commit, which these tests never reach: they run the job themselves


@pytest.mark.celery_worker
def test_job_succeeds_on_its_third_attempt_after_two_503(deposit_worker, fakes, record, librarian,  # noqa: F811
                                                        institution):  # noqa: F811
    repository = make_repository("inveniordm", fakes["inveniordm"], institution)
    fakes["inveniordm"].fail_next(2, "503")
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    job = wait_for(lambda: DepositJob.objects.filter(pk=job.pk, state__in=DepositJob.FINISHED).first(),
                   message="the deposit to finish")
    assert (job.state, job.attempts) == ("succeeded", 3)
    assert len(fakes["inveniordm"].records) == 1


@pytest.mark.celery_worker
def test_refused_credentials_fail_at_once_with_a_plain_reason(deposit_worker, fakes, record, librarian,  # noqa: F811
                                                              institution):  # noqa: F811
    repository = make_repository("inveniordm", fakes["inveniordm"], institution)
    fakes["inveniordm"].fail_next(1, "401")
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    job = wait_for(lambda: DepositJob.objects.filter(pk=job.pk, state__in=DepositJob.FINISHED).first(),
                   message="the deposit to finish")
    assert (job.state, job.attempts, job.next_retry_at) == ("failed", 1, None)
    assert job.last_error == (
        "The repository “Test inveniordm” refused our credentials (HTTP 401). Ask an operator to check its token "
        "or password in the admin site, then retry.")
    before = (record.repository_url, record.doi, record.datestamp)
    record.refresh_from_db()
    assert (record.repository_url, record.doi, record.datestamp) == before


@pytest.mark.parametrize(("mode", "message"), [
    ("500", "The repository had a temporary problem (HTTP 500). Simulated failure"),
    ("503", "The repository had a temporary problem (HTTP 503). Simulated failure"),
    ("409", "The repository had a temporary problem (HTTP 409). Simulated failure"),
    ("429", "The repository asked us to slow down (HTTP 429)."),
    ("timeout", "The repository did not answer in time."),
    ("malformed", "The repository sent an answer we could not read."),
])
@pytest.mark.parametrize("kind", KINDS)
def test_transient_failure_is_retried_later_then_succeeds(kind, mode, message, quick, fakes, record,  # noqa: F811
                                                          librarian, institution):  # noqa: F811
    job = _queued_job(kind, fakes, record, librarian, institution)
    fakes[kind].slow_seconds = 1
    fakes[kind].fail_next(1, mode, after=1)  # the create call
    assert deposit_job_run(job_id=job.pk) == 1.0
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == ("waiting", 1, message)
    assert job.next_retry_at > timezone.now()
    assert deposit_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert len(fakes[kind].records) == 1


def test_backoff_doubles_and_respects_retry_after(quick, fakes, record, librarian, institution):  # noqa: F811
    job = _queued_job("inveniordm", fakes, record, librarian, institution)
    fakes["inveniordm"].fail_next(2, "500")
    fakes["inveniordm"].fail_next(1, "429", retry_after=120)
    delays = [deposit_job_run(job_id=job.pk) for _ in range(3)]
    assert delays == [1.0, 2.0, 120.0]
    job.refresh_from_db()
    assert abs(job.next_retry_at - (timezone.now() + datetime.timedelta(seconds=120))) < datetime.timedelta(seconds=5)


def test_gives_up_after_the_last_attempt(quick, fakes, record, librarian, institution):  # noqa: F811
    job = _queued_job("dataverse", fakes, record, librarian, institution)
    fakes["dataverse"].fail_next(10, "503")
    for _ in range(4):
        deposit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 4)
    assert job.last_error == ("Gave up after 4 attempts. Last error: The repository had a temporary problem "
                              "(HTTP 503). Simulated failure")
    assert deposit_job_run(job_id=job.pk) is None  # a late message for a failed job does nothing
    job.refresh_from_db()
    assert job.attempts == 4


def test_rejected_deposit_fails_at_once_with_the_repositorys_message(quick, fakes, record, librarian,  # noqa: F811
                                                                    institution):  # noqa: F811
    job = _queued_job("dataverse", fakes, record, librarian, institution, collection="nope")
    assert deposit_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 1)
    assert job.last_error == ("The repository rejected the deposit (HTTP 404): "
                              "Can't find dataverse with identifier='nope'")


@pytest.mark.parametrize("kind", KINDS)
def test_answer_lost_after_the_repository_created_the_record_makes_no_second_one(kind, quick, fakes,  # noqa: F811
                                                                                 record, librarian,  # noqa: F811
                                                                                 institution):  # noqa: F811
    job = _queued_job(kind, fakes, record, librarian, institution)
    fakes[kind].slow_seconds = 1.5
    fakes[kind].fail_next(1, "slow", after=1)  # creates the record, answers after our timeout
    deposit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.state, job.remote_id, len(fakes[kind].records)) == ("waiting", "", 1)
    deposit_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == "succeeded"
    assert len(fakes[kind].records) == 1
    assert job.remote_id in (list(fakes[kind].records) + [f"{fakes[kind].url}/sword/edit/1"])

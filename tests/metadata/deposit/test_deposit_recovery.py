"""A worker killed in the middle of a deposit: the job is taken up again from its last completed step and
the repository ends up with exactly one record."""

import os
import signal

import pytest

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from metadata.deposit.tasks import deposit_jobs_resume_stale
from metadata.deposit.worker import deposit_job_run
from tests.conftest import wait_for
from tests.metadata.deposit.fixtures import (  # noqa: F401
    KINDS,
    deposit_worker,
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
    record,
    start_worker,
)


@pytest.mark.celery_worker
@pytest.mark.parametrize("kind", KINDS)
def test_job_of_a_killed_worker_is_resumed_and_makes_one_remote_record(kind, deposit_worker, fakes,  # noqa: F811
                                                                        record, librarian, institution):  # noqa: F811
    fake = fakes[kind]
    repository = make_repository(kind, fake, institution)
    fake.slow_seconds = 60
    fake.fail_next(1, "slow", after=2)  # find, create, then the worker hangs on the next call
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    wait_for(lambda: len(fake.calls) >= 3, message="the worker to be in the middle of the job")
    os.kill(deposit_worker["process"].pid, signal.SIGKILL)
    deposit_worker["process"].wait(timeout=10)

    job.refresh_from_db()
    assert (job.state, job.step, job.attempts) == ("running", "create", 1)
    assert job.remote_id  # stored before any further step
    second = start_worker(deposit_worker["queue"], deposit_worker["log"])
    try:
        wait_for(lambda: DepositJob.objects.stale().filter(pk=job.pk).exists(), message="the lease to expire")
        deposit_jobs_resume_stale.delay()  # what beat sends every minute
        job = wait_for(lambda: DepositJob.objects.filter(pk=job.pk, state__in=DepositJob.FINISHED).first(),
                       message="the resumed deposit to finish")
    finally:
        second.terminate()
        second.wait(timeout=20)
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert len(fake.records) == 1
    assert len(fake.published()) == 1


def test_job_whose_message_was_lost_is_sent_again_once(settings, fakes, institution, librarian):  # noqa: F811
    """A job that never started although a job queued after it did: its message went to a worker that died."""
    repository = make_repository("inveniordm", fakes["inveniordm"], institution)
    first, second = (deposit_jobs_queue(record_ids=[published_record(institution, librarian).pk],
                                        repository_id=repository.pk, actor=librarian)[0][0] for _ in range(2))
    deposit_job_run(job_id=second.pk)  # the other worker went on with the queue
    settings.DEPOSIT_LEASE_SECONDS = 0
    assert list(DepositJob.objects.stale().values_list("pk", flat=True)) == [first.pk]
    assert deposit_jobs_resume_stale() == 1  # runs in-process here
    first.refresh_from_db()
    assert first.state == "succeeded"
    assert deposit_jobs_resume_stale() == 0
    assert len(fakes["inveniordm"].records) == 2

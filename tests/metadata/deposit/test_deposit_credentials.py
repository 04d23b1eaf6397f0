"""Repository credentials never appear in a page, an API response, a log line or an error message, even
when a careless repository echoes them back."""

import base64
import logging

import pytest
from django.urls import reverse

from metadata.deposit.models import DepositJob, Repository
from metadata.deposit.services import deposit_jobs_queue
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.metadata.deposit.fixtures import (  # noqa: F401
    KINDS,
    SECRETS,
    deposit_worker,
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
)


def _forbidden() -> list[str]:
    basic = base64.b64encode(f"depositor:{SECRETS['sword2']}".encode()).decode()
    encrypted = [r.secret_encrypted for r in Repository.objects.all()]
    return [*SECRETS.values(), basic, *encrypted]


def _deposit_three_ways(fakes, institution, librarian, run) -> list[DepositJob]:  # noqa: F811
    """Per protocol: one deposit that succeeds, one refused (401, credentials echoed back) and one rejected
    with the credentials echoed in the repository's message. `run(queue)` queues a job and sees it done."""
    jobs = []
    for kind in KINDS:
        repository = make_repository(kind, fakes[kind], institution)
        for failure in (None, "401", "leaky"):
            if failure:
                fakes[kind].fail_next(1, failure)
            record = published_record(institution, librarian)
            [job], _ = run(lambda: deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk,  # noqa: B023
                                                      actor=librarian))
            jobs.append(job)
    return list(DepositJob.objects.filter(pk__in=[job.pk for job in jobs]).select_related("record"))


def _assert_outcomes(jobs):
    assert sorted(job.state for job in jobs) == ["failed"] * 6 + ["succeeded"] * 3
    leaky = [job.last_error for job in jobs if "Cannot accept" in job.last_error]
    assert len(leaky) == 3 and all("********" in error for error in leaky)


def _pages(client, jobs, librarian):  # noqa: F811
    client.force_login(librarian)
    urls = [reverse("deposit:job-list"), reverse("deposit:bulk"),
            reverse("deposit:job-progress") + "?" + "&".join(f"id={job.pk}" for job in jobs)]
    for job in jobs:
        urls += [job.get_absolute_url(), job.record.get_absolute_url(),
                 reverse("deposit:record-deposit", args=[job.record_id])]
    pages = [client.get(url) for url in urls]
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    urls = [reverse("admin:deposit_repository_changelist"), reverse("admin:deposit_depositjob_changelist")]
    urls += [reverse("admin:deposit_repository_change", args=[r.pk]) for r in Repository.objects.all()]
    urls += [reverse("admin:deposit_depositjob_change", args=[job.pk]) for job in jobs]
    pages += [client.get(url) for url in urls]
    assert {page.status_code for page in pages} == {200}
    return "\n".join(page.content.decode() for page in pages)


def test_credentials_never_shown_in_process(client, fakes, institution, librarian, caplog,  # noqa: F811
                                            django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG, logger="metadata")

    def run(queue):
        with django_capture_on_commit_callbacks(execute=True):
            return queue()

    jobs = _deposit_three_ways(fakes, institution, librarian, run)
    _assert_outcomes(jobs)
    text = "\n".join([_pages(client, jobs, librarian), caplog.text, *(job.last_error for job in jobs)])
    assert "deposit job" in caplog.text
    for secret in _forbidden():
        assert secret not in text


@pytest.mark.celery_worker
def test_credentials_never_in_the_worker_log(deposit_worker, fakes, institution, librarian):  # noqa: F811
    def run(queue):
        jobs, existing = queue()
        wait_for(lambda: DepositJob.objects.get(pk=jobs[0].pk).is_finished, message="the deposit to finish")
        return jobs, existing

    _assert_outcomes(_deposit_three_ways(fakes, institution, librarian, run))
    deposit_worker["log"].flush()
    log = open(deposit_worker["log"].name).read()
    assert "deposit job" in log and "refused our credentials" in log
    for secret in _forbidden():
        assert secret not in log

"""Without a broker (the embedded default: tasks run in the request), a repository that answers 503 leaves
the deposit waiting to retry, with the time and the reason, and never a 500 page; the retry button and
`manage.py deposit_run_due` run it again."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from tests.factories import PASSWORD
from tests.metadata.deposit.fixtures import fakes, institution, librarian, make_repository, record  # noqa: F401


@pytest.fixture
def no_broker(settings):
    settings.CELERY_BROKER_URL = ""  # the embedded default; the test settings already run tasks in-process
    settings.DEPOSIT_BACKOFF_SECONDS = 30.0
    return settings


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_deposit_into_a_repository_answering_503_waits_to_retry_without_a_500(
        browser, live_server, no_broker, fakes, record, librarian, institution):  # noqa: F811
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    fake.fail_next(3, "503", retry_after=45)

    page = browser.new_page(locale="en-US")
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    page.goto(f"{live_server.url}/accounts/login/?next={record.get_absolute_url()}")
    page.get_by_label("E-mail address").fill(librarian.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Repository", exact=True).select_option(str(repository.pk))
    page.get_by_role("button", name="Deposit", exact=True).click()

    expect(page.locator('[data-field="state"]')).to_have_text("waiting to retry")
    assert "The repository cannot take the deposit now" in page.content()
    error = page.locator('[data-field="last_error"]').text_content()
    assert error == "The repository had a temporary problem (HTTP 503). Simulated failure"
    job = DepositJob.objects.get()
    assert job.next_retry_at > timezone.now() + datetime.timedelta(seconds=30)  # Retry-After honoured
    assert page.locator('[data-field="next_retry"]').text_content() not in ("", "—")
    assert "Traceback" not in page.content()
    assert not [s for s in statuses if s[0] >= 500]

    # The librarian retries at once; the repository is still down: waiting again, one more attempt.
    retry = page.get_by_role("button", name="Retry the deposit")
    with page.expect_navigation():
        retry.click()
    expect(page.locator('[data-field="state"]')).to_have_text("waiting to retry")
    assert page.locator('[data-field="attempts"]').text_content() == "2"

    # … and once more, now that the repository is back.
    fake.failures.clear()
    with page.expect_navigation():
        page.get_by_role("button", name="Retry the deposit").click()
    expect(page.locator('[data-field="state"]')).to_have_text("succeeded")
    assert fake.published()[0]["doi"] in page.locator('[data-field="doi"]').text_content()
    assert not [s for s in statuses if s[0] >= 500]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_waiting_deposits_when_their_time_comes(no_broker, fakes, record, librarian,  # noqa: F811
                                                               institution):  # noqa: F811
    fake = fakes["dataverse"]
    repository = make_repository("dataverse", fake, institution)
    fake.fail_next(1, "503")
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("waiting", 1)

    call_command("deposit_run_due")  # not yet due: nothing happens
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("waiting", 1)

    DepositJob.objects.filter(pk=job.pk).update(next_retry_at=timezone.now() - datetime.timedelta(seconds=1))
    call_command("deposit_run_due")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert len(fake.published()) == 1

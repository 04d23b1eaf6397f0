"""The job page follows a deposit live, without reloading, under the portal's Content-Security-Policy."""

import threading

import pytest
from django.db import connection
from playwright.sync_api import expect

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from tests.conftest import wait_for
from tests.factories import PASSWORD
from tests.metadata.deposit.fixtures import fakes, institution, librarian, make_repository, record  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_job_page_follows_the_deposit_live_and_offers_retry(browser, live_server, fakes, record,  # noqa: F811
                                                            librarian, institution):  # noqa: F811
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    fake.slow_seconds = 4
    fake.fail_next(1, "slow")  # the job is running while the librarian watches …
    fake.fail_next(1, "401")  # … and then fails

    def deposit():  # runs the task in-process (no broker in this test), like a worker would
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
        connection.close()

    worker = threading.Thread(target=deposit)
    worker.start()
    job = wait_for(lambda: DepositJob.objects.filter(state="running").first(), message="the job to start")

    page = browser.new_page(locale="en-US")
    problems = []
    page.on("response", lambda response: problems.append(response.url) if response.status >= 400 else None)
    page.on("console", lambda message: problems.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(f"{live_server.url}/accounts/login/?next={job.get_absolute_url()}")
    page.get_by_label("E-mail address").fill(librarian.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    assert page.locator('[data-field="state"]').text_content() == "running"
    retry = page.get_by_role("button", name="Retry the deposit")
    assert not retry.is_visible()
    page.evaluate("window.notReloaded = true")

    expect(page.locator('[data-field="state"]')).to_have_text("failed", timeout=15000)
    worker.join()
    assert "refused our credentials" in page.locator('[data-field="last_error"]').text_content()
    assert page.locator('[data-field="attempts"]').text_content() == "1"
    assert retry.is_visible()
    assert page.evaluate("window.notReloaded") is True

    with page.expect_navigation():
        retry.click()
    assert page.locator('[data-field="state"]').text_content() == "succeeded"
    assert fake.published()[0]["doi"] in page.locator('[data-field="doi"]').text_content()
    assert problems == []

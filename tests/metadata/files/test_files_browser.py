"""The record page's uploader (Uppy over tus) under the portal's Content-Security-Policy: a researcher adds two
files, one is refused with the server's reason shown for that file, the other is stored and listed."""

import pytest
from playwright.sync_api import expect

from metadata.files.models import DataFile
from tests.conftest import wait_for
from tests.factories import PASSWORD, make_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
pytest.register_assert_rewrite("tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.files.fixtures"]


def test_researcher_uploads_on_the_record_page_and_sees_a_refusal_per_file(browser, live_server, settings, tmp_path):
    settings.DATA_FILES_MAX_PROJECT_SIZE = 50_000
    record = make_record(status="draft")
    small, big = tmp_path / "counts.csv", tmp_path / "scans.bin"
    small.write_text("site,count\nA,12\nB,7\n")
    big.write_bytes(b"\0" * 60_000)

    page = browser.new_page(locale="en-US")
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/accounts/login/?next={record.get_absolute_url()}")
    page.get_by_label("E-mail address").fill(record.project.pi.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Files")).to_be_visible()
    page.locator("#file-uploader input[type=file]").first.set_input_files([str(small), str(big)])
    page.locator(".uppy-StatusBar-actionBtn--upload").click()

    expect(page.locator("#file-uploader")).to_contain_text("the project has only", timeout=20000)
    data_file = wait_for(lambda: DataFile.objects.filter(record=record, name="counts.csv").first(),
                         message="the small file to be stored")
    assert not DataFile.objects.filter(name="scans.bin").exists()
    page.reload()
    expect(page.locator("table.files")).to_contain_text("counts.csv")
    expect(page.locator("table.files")).to_contain_text(data_file.sha256)
    assert [p for p in problems if "Content Security Policy" in p] == []

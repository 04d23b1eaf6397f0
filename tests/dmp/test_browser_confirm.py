"""In Chromium: the confirmation steps change nothing until confirmed, a reviewer comments beside a question
on the DMP page, and these pages (with their error states) pass axe in Japanese and English."""

import datetime

import pytest

from policy.models import DataPolicy
from policy.services import data_policy_create
from portal.models import Role
from tests.factories import PASSWORD, make_record, user_with_role
from tests.portal.test_accessibility import AXE, _violations

from .factories import complete

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user, language):
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    page = browser.new_context(locale=language, bypass_csp=True).new_page()  # to inject axe
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    return page


def assert_accessible(page):
    assert AXE.exists(), "axe-core is missing: run `npm ci`"
    problems = _violations(page)
    assert not problems, f"{page.url}: {problems}"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_submit_is_confirmed_and_a_reviewer_comments_beside_a_question(browser, live_server, dmp, reviewer,
                                                                       language):
    complete(dmp)
    page = sign_in(browser, live_server, dmp.project.pi, language)
    page.goto(f"{live_server.url}{dmp.get_absolute_url()}")
    page.get_by_role("button", name={"ja": "レビューに提出", "en": "Submit for review"}[language]).click()
    page.get_by_role("heading", name={"ja": "このDMPをレビューに提出しますか？",
                                      "en": "Submit this DMP for review?"}[language]).wait_for()
    assert_accessible(page)
    dmp.refresh_from_db()
    assert dmp.status == "draft" and not dmp.versions.exists()
    page.get_by_role("link", name={"ja": "キャンセル", "en": "Cancel"}[language]).click()
    dmp.refresh_from_db()
    assert dmp.status == "draft" and page.url.endswith(dmp.get_absolute_url())
    page.get_by_role("button", name={"ja": "レビューに提出", "en": "Submit for review"}[language]).click()
    page.locator("[data-confirm]").click()
    page.wait_for_url(f"{live_server.url}{dmp.get_absolute_url()}")
    dmp.refresh_from_db()
    assert dmp.status == "submitted" and dmp.versions.count() == 1

    review = sign_in(browser, live_server, reviewer, language)
    review.goto(f"{live_server.url}{dmp.get_absolute_url()}")
    beside = review.locator("#q-scope")
    beside.locator("summary").click()
    form = beside.locator('[data-question-comment="scope"]')
    # An empty comment (past the browser's own check) comes back with the summary linking to the box.
    form.locator("textarea").evaluate("box => box.removeAttribute('required')")
    form.get_by_role("button", name={"ja": "コメントする", "en": "Comment"}[language]).click()
    summary = review.locator(".error-summary")
    summary.wait_for()
    assert_accessible(review)
    summary.locator('a[href="#comment-scope-body"]').click()
    assert review.evaluate("document.activeElement.id") == "comment-scope-body"
    review.locator("#comment-scope-body").fill("範囲を具体的に書いてください。")
    review.locator('[data-question-comment="scope"]').get_by_role(
        "button", name={"ja": "コメントする", "en": "Comment"}[language]).click()
    review.locator("#q-scope .comment-body").wait_for()
    assert "範囲を具体的に書いてください。" in review.locator("#q-scope .comments").inner_text()
    comment = dmp.versions.get().comments.get()
    assert (comment.question_key, comment.author) == ("scope", reviewer)
    assert_accessible(review)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_publish_withdraw_and_adopt_wait_for_confirmation(browser, live_server, language):
    record = make_record(status="submitted")
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution)
    page = sign_in(browser, live_server, librarian, language)
    page.goto(f"{live_server.url}{record.get_absolute_url()}")
    page.get_by_role("button", name={"ja": "公開する", "en": "Publish"}[language], exact=True).click()
    page.locator("[data-confirm]").wait_for()
    assert_accessible(page)
    record.refresh_from_db()
    assert record.status == "submitted"
    page.locator("[data-confirm]").click()
    page.get_by_role("button", name={"ja": "取り下げる", "en": "Withdraw"}[language]).wait_for()
    record.refresh_from_db()
    assert record.status == "published"
    page.get_by_role("button", name={"ja": "取り下げる", "en": "Withdraw"}[language]).click()
    page.locator("[data-confirm]").click()  # without the reason it asks for
    page.locator(".error-summary").wait_for()
    assert_accessible(page)
    record.refresh_from_db()
    assert record.status == "published"
    page.locator("#id_message").fill("同意が撤回されたため。")
    page.locator("[data-confirm]").click()
    page.wait_for_url(f"{live_server.url}{record.get_absolute_url()}")
    record.refresh_from_db()
    assert record.status == "withdrawn"

    admin = user_with_role(Role.INSTITUTION_ADMIN, institution=record.institution)
    policy = data_policy_create(institution=record.institution, actor=admin, data={
        "title_ja": "研究データポリシー", "title_en": "Research Data Policy", "version": "1.0",
        "document_url": "https://example.ac.jp/policy.pdf"})
    page = sign_in(browser, live_server, admin, language)
    page.goto(f"{live_server.url}{policy.get_absolute_url()}")
    page.locator("#id_adopted_on").fill("2025-04-01")
    page.get_by_role("button", name={"ja": "策定する", "en": "Adopt"}[language]).click()
    page.locator("[data-confirm]").wait_for()
    assert_accessible(page)
    assert DataPolicy.objects.get(pk=policy.pk).status == DataPolicy.Status.DRAFT
    page.locator("[data-confirm]").click()
    page.wait_for_url(f"{live_server.url}{policy.get_absolute_url()}")
    policy.refresh_from_db()
    assert policy.status == DataPolicy.Status.ADOPTED and policy.adopted_on == datetime.date(2025, 4, 1)

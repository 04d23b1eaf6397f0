"""Acceptance 1, in Chromium: a researcher writes a DMP in Japanese and submits; a reviewer comments on one
answer and requests changes; the researcher sees the comment beside that answer, fixes it and resubmits;
the reviewer sees the diff and approves."""

import pytest

from dmp.models import DMP, DMPTemplate
from dmp.services import template_load_shipped
from metadata.services import managed_data_create
from portal.models import Role
from tests.factories import PASSWORD, FundingProgramFactory, InstitutionFactory, user_with_role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, live_server, user):
    page = browser.new_context(locale="ja-JP").new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    return page


def test_write_submit_comment_fix_resubmit_diff_approve(browser, live_server):
    template_load_shipped()
    institution = InstitutionFactory()
    researcher = user_with_role(Role.RESEARCHER, institution=institution, preferred_language="ja")
    reviewer = user_with_role(Role.REVIEWER, institution=institution, preferred_language="ja")
    program = FundingProgramFactory(funder=DMPTemplate.objects.get(key="jsps-kakenhi").funder, name_ja="基盤研究(C)")

    # The researcher creates the project and its DMP, in Japanese.
    page = sign_in(browser, live_server, researcher)
    page.get_by_role("navigation", name="メインナビゲーション").get_by_role("link", name="DMP").click()
    page.get_by_role("link", name="DMPを新規作成").click()
    page.fill('[name="project-grant_number"]', "JP24K01234")
    page.fill('[name="project-name_ja"]', "日本語話し言葉コーパスの構築")
    page.select_option('[name="project-program"]', str(program.pk))
    page.select_option('[name="project-research_field"]', "900")
    page.fill('[name="project-start_date"]', "2024-04-01")
    page.fill('[name="project-end_date"]', "2027-03-31")
    page.get_by_role("button", name="DMPを作成").click()
    page.get_by_role("heading", name="DMP作成・更新情報").wait_for()
    dmp = DMP.objects.get(project__grant_number="JP24K01234")
    managed_data_create(project=dmp.project, actor=researcher, data={
        "data_no": "1", "title_ja": "話し言葉コーパス", "access_right": "open access", "license": "CCBY"})

    page.get_by_label("DMP作成年月日").fill("2024-04-01")
    page.get_by_label("DMP最終更新年月日").fill("2024-04-15")
    assert page.evaluate("document.querySelector('form[data-warn-unsaved]').classList.contains('is-dirty')")
    page.get_by_role("button", name="保存して次の節へ").click()
    page.get_by_text("節「DMP作成・更新情報」を保存しました。").wait_for()
    page.get_by_role("link", name="研究データ情報").click()
    assert "話し言葉コーパス" in page.locator("#q-datasets").inner_text()
    page.get_by_label("研究データの公開・提供方針詳細").fill("論文公開後に公開する。")
    page.get_by_role("button", name="この節を保存").click()
    page.get_by_text("節「研究データ情報」を保存しました。").wait_for()
    page.get_by_role("link", name="DMPに戻る（提出はこちらから）").click()
    page.get_by_role("button", name="レビューに提出").click()
    page.get_by_role("heading", name="このDMPをレビューに提出しますか？").wait_for()
    assert "研究推進部のレビューに回り" in page.locator(".confirm-consequence").inner_text()
    dmp.refresh_from_db()
    assert dmp.status == "draft" and not dmp.versions.exists()  # nothing happens before confirming
    page.locator("[data-confirm]").click()
    page.get_by_text("完了しました。DMPは「提出済み」になりました。").wait_for()

    # The reviewer comments beside one answer on the DMP page itself and requests changes.
    review = sign_in(browser, live_server, reviewer)
    review.goto(f"{live_server.url}/dmps/review/")
    review.get_by_role("link", name="日本語話し言葉コーパスの構築").click()
    beside = review.locator("#q-sharing_details")
    beside.get_by_text("この質問にコメント").click()
    form = beside.locator('[data-question-comment="sharing_details"]')
    form.get_by_label("「研究データの公開・提供方針詳細」へのコメント（バージョン 1）").fill(
        "公開の時期と場所を具体的に書いてください。")
    form.get_by_role("button", name="コメントする").click()
    review.get_by_text("コメントを追加しました。").wait_for()
    assert "公開の時期と場所を具体的に書いてください。" in review.locator("#q-sharing_details").inner_text()
    assert "公開の時期" not in review.locator("#q-sensitive_policy").inner_text()
    review.locator("#message-request_changes").fill("公開方針を具体的にしてください。")
    review.get_by_role("button", name="修正を依頼").click()
    review.get_by_text("完了しました。DMPは「修正依頼中」になりました。").wait_for()

    # The researcher sees the comment beside that answer, fixes it and resubmits.
    page.goto(f"{live_server.url}{dmp.get_absolute_url()}")
    page.get_by_role("link", name="回答を編集").click()
    page.get_by_role("link", name="研究データ情報").click()
    beside = page.locator("#q-sharing_details")
    assert "公開の時期と場所を具体的に書いてください。" in beside.inner_text()
    assert "公開の時期" not in page.locator("#q-sensitive_policy").inner_text()
    page.get_by_label("研究データの公開・提供方針詳細").fill("2026年3月に機関リポジトリで公開する。")
    page.get_by_role("button", name="この節を保存").click()
    page.get_by_text("節「研究データ情報」を保存しました。").wait_for()
    page.get_by_role("link", name="DMPに戻る（提出はこちらから）").click()
    page.get_by_role("button", name="レビューに提出").click()
    page.locator("[data-confirm]").click()
    page.get_by_text("完了しました。DMPは「提出済み」になりました。").wait_for()

    # The reviewer sees the diff between the versions and approves.
    review.goto(f"{live_server.url}{dmp.get_absolute_url()}")
    review.get_by_role("link", name="版を比較").click()
    review.get_by_role("heading", name="バージョン 1 からバージョン 2 への変更").wait_for()
    changed = review.locator("tr.changed")
    assert changed.count() == 1
    assert "論文公開後に公開する。" in changed.locator("td.old").inner_text()
    assert "2026年3月に機関リポジトリで公開する。" in changed.locator("td.new").inner_text()
    review.goto(f"{live_server.url}{dmp.get_absolute_url()}")
    review.get_by_role("button", name="承認").click()
    review.get_by_role("heading", name="このDMPを承認しますか？").wait_for()
    dmp.refresh_from_db()
    assert dmp.status == "submitted"  # nothing happens before confirming
    review.locator("[data-confirm]").click()
    review.get_by_text("完了しました。DMPは「承認済み」になりました。").wait_for()
    dmp.refresh_from_db()
    assert dmp.status == "approved" and dmp.approved_version.number == 2
    assert list(dmp.transitions.values_list("action", flat=True)) == ["submit", "request_changes", "submit", "approve"]

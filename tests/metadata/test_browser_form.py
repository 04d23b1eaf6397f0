import datetime

import pytest
from django.utils import timezone

from metadata.models import ManagedData
from tests.factories import PASSWORD, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_researcher_fixes_three_mistakes_in_japanese_without_losing_anything(browser, live_server):
    project = ProjectFactory(pi__preferred_language="ja", pi__email="kenkyu@example.ac.jp")
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", project.pi.email)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="サインイン").click()
    page.goto(f"{live_server.url}/data/new/")

    page.get_by_label("プロジェクト").select_option(str(project.pk))
    page.get_by_label("データの名称（日本語）").fill("BMI操作中の頭皮脳波データ")
    page.get_by_label("データの説明（日本語）").fill("脳波計測の生データ")
    page.get_by_label("管理対象データの利活用・提供方針（ライセンス）").select_option("CCBY")
    page.get_by_label("引用方法等（日本語）").fill("研究花子 (2026)")
    page.get_by_label("アクセス権", exact=True).select_option("embargoed access")  # mistake 2: no date
    page.get_by_label("リポジトリURL・DOIリンク").fill("10.99/壊れた DOI")  # mistake 3
    page.get_by_label("データ管理機関（日本語）").fill("東都大学")
    page.get_by_label("連絡先メールアドレス").fill("rdm@example.ac.jp")
    page.select_option('[name="people-0-kind"]', "creator")
    page.fill('[name="people-0-name_ja"]', "研究 花子")
    page.fill('[name="people-0-erad_researcher_number"]', "1234")  # mistake 1
    page.select_option('[name="people-1-kind"]', "data_manager")
    page.fill('[name="people-1-name_ja"]', "研究 花子")
    with page.expect_navigation():
        page.get_by_role("button", name="キュレーションに提出").click()

    errors = page.locator(".field-error").all_inner_texts()
    assert len(errors) == 3, errors
    assert any(e.startswith("e-Rad研究者番号:") for e in errors)
    embargo_error = "公開予定日（公開期間猶予の場合）: アクセス権が公開期間猶予の場合は必須です"
    assert any(e.startswith(embargo_error) for e in errors)
    assert any(e.startswith("リポジトリURL・DOIリンク: DOIの形式が正しくありません") for e in errors)
    # The summary at the top names each error, the creator row's too, and its link takes focus to the field.
    summary = page.locator(".error-summary")
    assert summary.locator("a").count() == 3
    row_link = summary.get_by_role("link", name="人物 1 · e-Rad研究者番号: e-Rad研究者番号は半角数字8桁")
    assert row_link.get_attribute("href") == "#id_people-0-erad_researcher_number"
    row_link.click()
    assert page.evaluate("document.activeElement.id") == "id_people-0-erad_researcher_number"
    # Everything typed is still there.
    assert page.get_by_label("データの名称（日本語）").input_value() == "BMI操作中の頭皮脳波データ"
    assert page.get_by_label("データの説明（日本語）").input_value() == "脳波計測の生データ"
    assert page.get_by_label("連絡先メールアドレス").input_value() == "rdm@example.ac.jp"
    assert page.input_value('[name="people-1-name_ja"]') == "研究 花子"

    page.fill('[name="people-0-erad_researcher_number"]', "12345678")
    embargo = timezone.localdate() + datetime.timedelta(days=90)
    page.get_by_label("公開予定日（公開期間猶予の場合）").fill(embargo.isoformat())
    page.get_by_label("リポジトリURL・DOIリンク").fill("10.1234/eeg.2026")
    with page.expect_navigation():
        page.get_by_role("button", name="キュレーションに提出").click()

    # Saved, then the confirmation step says what submitting does; nothing is submitted before confirming.
    page.get_by_role("heading", name="このレコードをキュレーションに提出しますか？").wait_for()
    assert "その間は編集できません" in page.locator(".confirm-consequence").inner_text()
    assert ManagedData.objects.get().status == "draft"
    with page.expect_navigation():
        page.locator("[data-confirm]").click()
    assert "完了しました。レコードの状態：キュレーション待ち" in page.content()
    record = ManagedData.objects.get()
    assert (record.status, record.embargo_until, record.repository_url) == (
        "submitted", embargo, "https://doi.org/10.1234/eeg.2026")
    assert record.title_ja == "BMI操作中の頭皮脳波データ" and record.people.count() == 2

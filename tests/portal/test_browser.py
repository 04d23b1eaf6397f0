import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_switch_to_japanese_and_sign_out(browser, live_server):
    user = UserFactory(preferred_language="en", email="hanako@example.ac.jp")
    page = browser.new_page(locale="en-US")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    nav = page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="My data").is_visible()

    with page.expect_navigation():
        page.get_by_role("button", name="日本語").click()  # the switch is one button per language
    nav_ja = page.get_by_role("navigation", name="メインナビゲーション")
    assert nav_ja.get_by_role("link", name="自分のデータ").is_visible()
    assert page.get_by_role("button", name="日本語").get_attribute("aria-current") == "true"
    assert page.locator("html").get_attribute("lang") == "ja"

    with page.expect_navigation():
        page.get_by_role("button", name="サインアウト").click()
    assert page.get_by_role("link", name="サインイン").is_visible()
    user.refresh_from_db()
    assert user.preferred_language == "ja"

"""A newcomer signs in through the IdP picker in Chromium: the portal, the federation's IdP (which
auto-posts its answer as a Shibboleth IdP does) and back, with the user created on the way."""

import pytest

from portal.models import User

from .conftest import register_institution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_through_the_picker_in_a_browser(browser, live_server, settings, idp, federation, key_dir):
    # The IdP runs on 127.0.0.1: the portal too, so that the IdP's POST back is same-site in plain HTTP
    # (in production, over HTTPS, the SAML session cookie is SameSite=None; Secure).
    base = live_server.url.replace("localhost", "127.0.0.1")
    settings.PORTAL_BASE_URL = base
    register_institution(idp, federation)
    page = browser.new_page(locale="ja-JP")
    page.goto(f"{base}/accounts/login/?next=/profile/")
    page.get_by_role("link", name="所属機関でサインイン（学認）").click()
    page.get_by_label("機関を検索").fill("テスト")
    page.get_by_role("button", name="検索").click()
    with page.expect_navigation(url=f"{base}/profile/"):
        page.get_by_role("link", name="テスト大学 · Test University").click()
    assert page.get_by_role("heading", name="連携しているサインイン").is_visible()
    assert page.get_by_text("taro@idp.example.ac.jp").is_visible()
    assert page.get_by_label("姓（日本語）").input_value() == "山田"
    assert User.objects.get().email == "taro.yamada@example.ac.jp"
    # The picker remembers the choice.
    page.goto(f"{base}/accounts/institution/")
    assert page.locator(".last-idp").get_by_role("link", name="テスト大学").is_visible()

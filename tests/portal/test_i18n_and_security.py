import re

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_home_follows_accept_language(client):
    ja = client.get("/", headers={"accept-language": "ja"}).content.decode()
    en = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "研究データポータル" in ja and "サインイン" in ja and 'lang="ja"' in ja
    assert "Research Data Portal" in en and "Sign in" in en and 'lang="en"' in en


def test_signed_in_users_preferred_language_wins_over_the_browser(client):
    client.force_login(UserFactory(preferred_language="ja"))
    html = client.get("/", headers={"accept-language": "en"}).content.decode()
    assert "サインアウト" in html


def test_language_switch_is_remembered_for_the_signed_in_user(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "ja", "next": "/"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.preferred_language == "ja"
    assert "ホーム" in client.get("/").content.decode()


def test_language_switch_for_anonymous_visitor_sets_the_cookie(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Sign in" in client.get("/", headers={"accept-language": "ja"}).content.decode()


def test_security_headers_are_sent(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_load_no_asset_from_another_host(client):
    html = client.get("/").content.decode()
    assert re.findall(r'(?:src|href)="((?:https?:)?//[^"]*)"', html) == []


def test_every_shipped_japanese_message_is_translated():
    files = list(settings.BASE_DIR.glob("locale/ja/LC_MESSAGES/*.po")) + list(
        settings.BASE_DIR.glob("*/locale/ja/LC_MESSAGES/*.po")
    )
    assert files
    untranslated = [
        (str(f.relative_to(settings.BASE_DIR)), e.msgid)
        for f in files
        for e in polib.pofile(str(f))
        if not e.obsolete and (not (e.msgstr or any(e.msgstr_plural.values())) or "fuzzy" in e.flags)
    ]
    assert untranslated == []


def test_a_message_means_the_same_in_every_catalogue():
    """Django merges the apps' catalogues, so one msgid translated two ways would show the wrong one
    somewhere; distinct meanings need a context (pgettext)."""
    files = [settings.BASE_DIR / "locale/ja/LC_MESSAGES/django.po",
             *settings.BASE_DIR.glob("*/locale/ja/LC_MESSAGES/django.po")]
    translations: dict[tuple, set] = {}
    for f in files:
        for e in polib.pofile(str(f)):
            if not e.obsolete:
                translations.setdefault((e.msgctxt, e.msgid), set()).add(e.msgstr or e.msgstr_plural.get(0))
    assert {k: v for k, v in translations.items() if len(v) > 1} == {}

"""Sign-in hardening: failed sign-ins lock an account and a client address out for a while (django-axes),
with the sign-in page saying so in the user's language; operators unlock in the admin; forgotten passwords
are reset by an e-mailed link in the user's language."""

import datetime
import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.factories import PASSWORD, UserFactory
from tests.fakes.orcid import FakeOrcid
from tests.identity.conftest import orcid_round_trip

pytestmark = pytest.mark.django_db


def sign_in(client, email, password, language="en", address="192.0.2.10"):
    return client.post(reverse("login"), {"username": email, "password": password},
                       headers={"accept-language": language}, REMOTE_ADDR=address)


def fail(client, email, times, **kwargs):
    """`times` wrong passwords: refused, the last one with the lock-out page once the limit is reached."""
    for _ in range(times):
        assert sign_in(client, email, "wrong-password", **kwargs).status_code in (200, 429)


@pytest.mark.parametrize("language, message", [
    ("en", "locked for 30 minutes"),
    ("ja", "30 分間ロック"),
])
def test_five_failures_lock_the_account_even_for_the_right_password(client, language, message):
    user = UserFactory()
    fail(client, user.email, 5, language=language)
    response = sign_in(client, user.email, PASSWORD, language=language)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    html = response.content.decode()
    assert message in html
    assert 'name="password"' in html and reverse("password_reset") in html  # the sign-in page, not a bare 403


def test_four_failures_do_not_lock(client):
    user = UserFactory()
    fail(client, user.email, 4)
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_the_limit_and_the_period_are_settings(client, settings):
    settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_MINUTES = 2, 5
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=5)
    user = UserFactory()
    fail(client, user.email, 2)
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429 and "locked for 5 minutes" in response.content.decode()


def test_the_account_is_locked_from_every_address(client):
    user = UserFactory()
    for n in range(5):
        sign_in(client, user.email, "wrong-password", address=f"192.0.2.{n + 1}")
    assert sign_in(client, user.email, PASSWORD, address="198.51.100.7").status_code == 429


def test_one_address_trying_many_accounts_is_locked_out(client):
    victims = UserFactory.create_batch(5)
    for victim in victims:
        sign_in(client, victim.email, "wrong-password")
    other = UserFactory()
    assert sign_in(client, other.email, PASSWORD).status_code == 429
    assert sign_in(client, other.email, PASSWORD, address="198.51.100.7").status_code == 302


def test_after_the_cool_off_the_right_password_works(client):
    user = UserFactory()
    fail(client, user.email, 5)
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_an_operator_unlocks_the_account_in_the_admin(client):
    user, operator = UserFactory(), UserFactory(is_staff=True, is_superuser=True)
    fail(client, user.email, 5)
    assert sign_in(client, user.email, PASSWORD).status_code == 429
    admin = client.__class__()
    admin.force_login(operator)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert user.email in admin.get(changelist).content.decode()
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    response = admin.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()
    assert sign_in(client, user.email, PASSWORD).status_code == 302


def test_api_tokens_and_open_sessions_still_work_from_a_locked_address(client):
    user = UserFactory()
    fail(client, user.email, 5)
    token = Token.objects.create(user=user)
    response = client.get("/api/v1/dmps/", headers={"authorization": f"Token {token.key}"}, REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 200 and response.wsgi_request.user == user
    client.force_login(user)
    assert client.get(reverse("portal:profile"), REMOTE_ADDR="192.0.2.10").status_code == 200


# Password reset ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("language, subject, phrase", [
    ("en", "Reset your password", "To choose a new password, open this link"),
    ("ja", "パスワード", "新しいパスワード"),
])
def test_password_reset_by_e_mail_in_the_users_language(client, mailoutbox, settings, language, subject, phrase):
    settings.PORTAL_BASE_URL = "https://portal.example.ac.jp/"
    user = UserFactory(preferred_language=language)
    login_page = client.get(reverse("login"), headers={"accept-language": "en"}).content.decode()
    assert reverse("password_reset") in login_page and "Forgot your password?" in login_page
    # The request is made in the other language: the e-mail follows the user's.
    other = "ja" if language == "en" else "en"
    response = client.post(reverse("password_reset"), {"email": user.email.upper()},
                           headers={"accept-language": other})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [user.email] and subject in mail.subject and phrase in mail.body
    link = re.search(r"https://portal\.example\.ac\.jp(/accounts/password/reset/\S+/)", mail.body)[1]
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-New-passphrase-2026",
                                                          "new_password2": "a-New-passphrase-2026"})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    assert sign_in(client, user.email, PASSWORD).status_code == 200
    assert sign_in(client, user.email, "a-New-passphrase-2026").status_code == 302
    # The link works once.
    client.logout()
    again = client.get(link, follow=True, headers={"accept-language": "en"}).content.decode()
    assert "does not work any more" in again


def test_password_reset_says_the_same_for_unknown_addresses(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mailoutbox == []


def test_password_reset_is_for_operators_only_when_local_sign_in_is(client, mailoutbox, settings):
    settings.LOCAL_SIGN_IN_STAFF_ONLY = True
    researcher, operator = UserFactory(), UserFactory(is_staff=True)
    client.post(reverse("password_reset"), {"email": researcher.email})
    client.post(reverse("password_reset"), {"email": operator.email})
    assert [m.to for m in mailoutbox] == [[operator.email]]


def test_password_reset_pages_speak_japanese(client):
    html = client.get(reverse("password_reset"), headers={"accept-language": "ja"}).content.decode()
    assert "パスワードの再設定" in html


@pytest.fixture
def orcid(settings):
    server = FakeOrcid(client_id="APP-TESTCLIENT", client_secret="s3cret", orcid="0000-0002-1825-0097",
                       person_name="Josiah Carberry").start()
    settings.ORCID_BASE_URL = server.url
    settings.ORCID_CLIENT_ID, settings.ORCID_CLIENT_SECRET = "APP-TESTCLIENT", "s3cret"
    yield server
    server.stop()


def test_orcid_sign_in_is_refused_from_a_locked_address_but_not_for_a_locked_password(orcid):
    user = UserFactory()
    browser = Client(HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(user)
    orcid_round_trip(browser, reverse("identity:orcid-connect"))
    browser.logout()
    # Wrong passwords for the account, typed elsewhere, do not lock its owner out of ORCID sign-in.
    fail(Client(), user.email, 5, address="198.51.100.7")
    response = orcid_round_trip(browser, reverse("identity:orcid-login"))
    assert response.status_code == 302 and int(browser.session["_auth_user_id"]) == user.pk
    browser.logout()
    # An address that failed five times is refused whatever way it signs in.
    for victim in UserFactory.create_batch(5):
        sign_in(browser, victim.email, "wrong-password", address="127.0.0.1")
    response = orcid_round_trip(browser, reverse("identity:orcid-login"))
    assert response.status_code == 429 and "_auth_user_id" not in browser.session
    assert "locked for 30 minutes" in response.content.decode()

"""Acceptance 3: an existing account is linked to a new SAML identity only after its owner proves it."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.identity.models import Identity
from portal.models import User
from tests.factories import PASSWORD, UserFactory

from .conftest import idp_answer, saml_sign_in

pytestmark = pytest.mark.django_db

VICTIM = "taro.yamada@example.ac.jp"  # the e-mail address the (attacker's) IdP asserts


def test_an_idp_asserting_a_victims_email_never_gets_the_victims_account(client, idp, institution):
    victim = UserFactory(email=VICTIM)
    idp.person["eduPersonPrincipalName"] = ["mallory@idp.example.ac.jp"]
    response = saml_sign_in(client, idp)
    assert response["Location"] == reverse("identity:link")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("identity:link"))
    assert "only the account's owner can link it" in page.content.decode()
    # Linking needs the victim's password or mailbox; the attacker has neither.
    assert client.post(reverse("identity:link"), {"action": "link"}).status_code == 200
    assert not Identity.objects.filter(user=victim).exists()
    assert client.get(reverse("portal:profile")).status_code == 302  # still signed out
    assert User.objects.count() == 1


def test_owner_links_by_signing_in_with_the_password_once(client, idp, institution):
    owner = UserFactory(email=VICTIM)
    saml_sign_in(client, idp)
    login = client.post(reverse("login"), {"username": VICTIM, "password": PASSWORD,
                                           "next": reverse("identity:link")})
    assert login["Location"] == reverse("identity:link")
    assert client.post(reverse("identity:link"), {"action": "link"})["Location"] == reverse("portal:profile")
    identity = Identity.objects.get()
    assert identity.user == owner and identity.key == "taro@idp.example.ac.jp"
    client.logout()
    assert saml_sign_in(client, idp).status_code == 302
    assert int(client.session["_auth_user_id"]) == owner.pk
    assert User.objects.count() == 1


def test_owner_links_by_the_emailed_link(client, idp, institution):
    owner = UserFactory(email=VICTIM)
    saml_sign_in(client, idp)
    client.post(reverse("identity:link"), {"action": "email"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [VICTIM]
    link = re.search(r"http://testserver(/accounts/link/\S+)", mail.outbox[0].body).group(1)
    assert not Identity.objects.exists()  # opening the link alone changes nothing
    assert "Confirm linking" in client.get(link).content.decode()
    assert not Identity.objects.exists()
    client.post(link)
    assert Identity.objects.get().user == owner
    assert "_auth_user_id" not in client.session


def test_a_tampered_link_is_refused(client, idp, institution):
    UserFactory(email=VICTIM)
    saml_sign_in(client, idp)
    client.post(reverse("identity:link"), {"action": "email"})
    link = re.search(r"http://testserver(/accounts/link/\S+)", mail.outbox[0].body).group(1)
    response = client.post(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert not Identity.objects.exists()


def test_profile_lists_linked_identities_and_removes_one(client, idp, institution):
    saml_sign_in(client, idp)
    user = User.objects.get()
    identity = Identity.objects.get()
    page = client.get(reverse("portal:profile")).content.decode()
    assert "taro@idp.example.ac.jp" in page and "連携しているサインイン" in page  # a new user's language is ja
    # The only way to sign in (no password) is not removed ...
    client.post(reverse("identity:identity-remove", args=[identity.pk]))
    assert Identity.objects.filter(pk=identity.pk).exists()
    # ... but once the user has a password, it is.
    user.set_password("another-long-password")
    user.save()
    client.force_login(user)
    client.post(reverse("identity:identity-remove", args=[identity.pk]))
    assert not Identity.objects.filter(pk=identity.pk).exists()


def test_a_signed_in_user_links_their_institution_from_the_profile(client, idp, institution):
    """The IdP's POST back is cross-site in production: the portal's session cookie does not come with
    it (SameSite=Lax), only the SAML session's. The user must stay signed in and link, not get a new
    account."""
    user = UserFactory(email="someone.else@example.ac.jp")
    client.force_login(user)
    assert reverse("identity:link") in client.get(reverse("portal:profile")).content.decode()
    path, data = idp_answer(client, idp, next_url=reverse("identity:link"))
    session_cookie = client.cookies.pop("sessionid")
    response = client.post(path, data)
    assert response["Location"] == reverse("identity:link")
    assert User.objects.count() == 1 and not Identity.objects.exists()
    client.cookies["sessionid"] = session_cookie.value
    page = client.get(reverse("identity:link")).content.decode()
    assert "You are signed in as someone.else@example.ac.jp" in page
    client.post(reverse("identity:link"), {"action": "link"})
    assert Identity.objects.get().user == user

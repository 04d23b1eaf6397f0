"""Acceptance 1: SP-initiated sign-in against a real pysaml2 IdP on a local port."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from portal.identity.models import Identity, InstitutionIdP
from portal.identity.services import SignInRefused
from portal.identity.services import saml_sign_in as saml_sign_in_service
from portal.models import Role, RoleAssignment, User
from tests.factories import UserFactory

from .conftest import PERSON, idp_answer, saml_sign_in

pytestmark = pytest.mark.django_db


def test_first_sign_in_creates_the_user_with_names_institution_and_researcher_role(client, idp, institution):
    response = saml_sign_in(client, idp, next_url="/profile/")
    assert response.status_code == 302 and response["Location"] == "/profile/"
    user = User.objects.get(email="taro.yamada@example.ac.jp")
    assert (user.family_name_ja, user.given_name_ja, user.family_name_en, user.given_name_en) == (
        "山田", "太郎", "Yamada", "Taro")
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role=Role.RESEARCHER, institution=institution).count() == 1
    identity = Identity.objects.get(user=user)
    assert (identity.issuer, identity.key) == (idp.entity_id, "taro@idp.example.ac.jp")
    page = client.get("/profile/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.wsgi_request.user == user
    assert "taro@idp.example.ac.jp" in page.content.decode()


def test_a_signed_response_with_an_encrypted_assertion_as_shibboleth_sends(client, idp, institution):
    idp.mode = "encrypted"
    response = saml_sign_in(client, idp)
    assert "EncryptedAssertion" in idp.responses[-1] and "taro.yamada" not in idp.responses[-1]
    assert response.status_code == 302
    assert User.objects.get().family_name_ja == "山田"


@pytest.mark.parametrize(("offset", "accepted"), [(60, True), (600, False)])
def test_clock_skew_is_tolerated_up_to_the_setting(client, idp, institution, offset, accepted):
    idp.clock_offset = offset  # the IdP's clock runs ahead: NotBefore lies in the SP's future
    response = saml_sign_in(client, idp)
    assert (response.status_code == 302) is accepted
    assert User.objects.exists() is accepted
    if not accepted:
        assert "not valid yet" in response.content.decode()


def test_a_changed_mail_finds_the_same_user_and_updates_the_address(client, idp, institution):
    saml_sign_in(client, idp)
    first = User.objects.get()
    client.logout()
    idp.person["mail"] = ["t.yamada@new.example.ac.jp"]
    response = saml_sign_in(client, idp)
    assert response.status_code == 302
    assert User.objects.get().pk == first.pk
    assert User.objects.get().email == "t.yamada@new.example.ac.jp"


def test_no_role_when_the_affiliation_is_not_one_the_institution_chose(client, idp, institution):
    idp.person["eduPersonScopedAffiliation"] = ["student@idp.example.ac.jp", "faculty@other.example.ac.jp"]
    saml_sign_in(client, idp)
    assert not RoleAssignment.objects.exists()
    assert User.objects.count() == 1


@pytest.mark.parametrize(("mode", "text"), [
    ("unsigned", "was not signed correctly"),
    ("expired", "has expired"),
    ("audience", "meant for another service"),
])
def test_a_bad_assertion_is_refused_with_a_clear_page_and_no_user(client, idp, institution, mode, text):
    idp.mode = mode
    response = saml_sign_in(client, idp)
    assert response.status_code == 403
    assert text in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_refusal_page_is_in_japanese_for_a_japanese_browser(client, idp, institution):
    idp.mode = "expired"
    path, data = idp_answer(client, idp)
    response = client.post(path, data, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 403
    assert "サインインできませんでした" in response.content.decode()


def test_a_replayed_response_is_refused(client, idp, institution):
    path, data = idp_answer(client, idp)
    assert client.post(path, data).status_code == 302
    user_count = User.objects.count()
    client.logout()
    replay = client.post(path, data)
    assert replay.status_code == 403
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == user_count


def test_a_replayed_assertion_in_a_fresh_session_is_refused_and_creates_no_user(client, idp, institution):
    """Even if the attacker also replays the request state, the assertion id is consumed once."""
    path, data = idp_answer(client, idp)
    saml_cookie = client.cookies["saml_session"].value
    assert client.post(path, data).status_code == 302
    User.objects.all().delete()
    attacker = Client(HTTP_ACCEPT_LANGUAGE="en")
    attacker.cookies["saml_session"] = saml_cookie
    response = attacker.post(path, data)
    assert response.status_code == 403
    assert not User.objects.exists()


def test_an_idp_the_portal_does_not_know_gets_a_clear_page(client, idp, institution):
    response = client.get("/saml2/login/", {"idp": "https://unknown.example.ac.jp/idp/shibboleth"})
    assert response.status_code == 403
    assert "not registered" in response.content.decode()


def test_a_missing_key_attribute_is_named(client, idp, institution):
    del idp.person["eduPersonPrincipalName"]
    response = saml_sign_in(client, idp)
    assert response.status_code == 403
    assert "eduPersonPrincipalName" in response.content.decode()
    assert not User.objects.exists()


def test_sp_metadata_is_signed_and_names_the_acs(client):
    response = client.get(reverse("saml2_metadata"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "http://127.0.0.1:8000/saml2/acs/" in body and "<ds:Signature" in body
    assert 'entityID="http://127.0.0.1:8000/saml2/metadata/"' in body


def test_existing_user_without_identity_is_not_signed_in(client, idp, institution):
    UserFactory(email="taro.yamada@example.ac.jp")
    response = saml_sign_in(client, idp)
    assert response.status_code == 302 and response["Location"] == reverse("identity:link")
    assert "_auth_user_id" not in client.session
    assert not Identity.objects.exists()


def test_an_idp_of_the_federation_that_no_institution_registered_is_refused(client, idp, institution):
    InstitutionIdP.objects.all().delete()
    response = saml_sign_in(client, idp)
    assert response.status_code == 403
    assert "not registered with this portal" in response.content.decode()
    assert not User.objects.exists()


def test_the_same_assertion_id_is_accepted_once(idp, institution):
    """The store of consumed assertion ids, behind pysaml2's own InResponseTo check."""
    until = timezone.now() + datetime.timedelta(minutes=5)
    saml_sign_in_service(issuer=idp.entity_id, ava=PERSON, assertion_id="_abc", not_on_or_after=until)
    with pytest.raises(SignInRefused) as refused:
        saml_sign_in_service(issuer=idp.entity_id, ava=PERSON, assertion_id="_abc", not_on_or_after=until)
    assert refused.value.reason == "replayed"

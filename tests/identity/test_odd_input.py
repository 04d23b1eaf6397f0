"""No 500 on odd input to the sign-in endpoints, anonymous or not."""

import base64

import pytest
from django.test import Client
from django.urls import reverse

from portal.identity.models import FederationIdP, FederationMetadata, Identity, InstitutionIdP
from portal.models import Role, RoleAssignment, User
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("saml_response", [
    "not base64 at all ☃", base64.b64encode(b"<xml").decode(), base64.b64encode(b"\x00" * 5000).decode(), "",
    base64.b64encode(b"<samlp:Response xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol'/>").decode(),
])
def test_garbage_at_the_assertion_consumer_gets_a_clear_page(client, saml_response):
    response = client.post("/saml2/acs/", {"SAMLResponse": saml_response, "RelayState": "/"})
    assert response.status_code in (400, 403)
    assert not User.objects.exists()


@pytest.mark.parametrize("params", [
    {"q": "\x00"}, {"idp": "\x00ab"}, {"q": "ａｂｃ" * 100}, {"next": "https://evil.example/"},
    {"idp": "https://not-in-the-federation.example/idp"},
])
def test_the_picker_takes_any_input(client, params):
    client.cookies["portal_idp"] = "\x00"
    response = client.get(reverse("identity:idp-picker"), params)
    # a NUL anywhere in an address is refused by the portal as a bad request; anything else shows the picker
    assert response.status_code == (400 if any("\x00" in v for v in params.values()) else 200)


def test_saml_login_without_an_idp_goes_to_the_picker(client):
    response = client.get("/saml2/login/", {"next": "/profile/"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("identity:idp-picker"))


def test_broken_links_and_callbacks(client, settings):
    assert client.get(reverse("identity:link-confirm", args=["garbage"])).status_code == 400
    assert client.get(reverse("identity:link")).status_code == 302
    settings.ORCID_CLIENT_ID = "APP-X"
    assert client.get(reverse("identity:orcid-callback"), {"code": "x", "state": "y"}).status_code == 403
    settings.ORCID_CLIENT_ID = ""
    assert client.get(reverse("identity:orcid-callback")).status_code == 404
    assert client.get(reverse("identity:orcid-login")).status_code == 404


def test_roles_page_with_a_bad_id_to_remove(client):
    admin = UserFactory()
    assignment = RoleAssignment.objects.create(user=admin, role=Role.INSTITUTION_ADMIN,
                                               institution=InstitutionFactory())
    client.force_login(admin)
    url = reverse("portal:institution-roles", args=[assignment.institution_id])
    assert client.post(url, {"remove": "abc"}).status_code == 404
    assert client.post(url, {"email": "\x00", "role": "nonsense"}).status_code == 200


@pytest.mark.parametrize("model", [Identity, InstitutionIdP, FederationMetadata, FederationIdP])
def test_operator_can_search_the_sign_in_models_in_the_admin(client, model):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse(f"admin:identity_{model._meta.model_name}_changelist")
    response = client.get(url, {"q": "test"})
    assert response.status_code == 200 and b'id="searchbar"' in response.content

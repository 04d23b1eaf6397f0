"""A real pysaml2 IdP and a federation serving its signed aggregate, both on 127.0.0.1, and a helper
that walks an SP-initiated sign-in through them the way a browser does."""

import re
import shutil
from html import unescape
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from portal.identity.federation import federation_metadata_refresh
from portal.identity.models import InstitutionIdP
from portal.identity.saml import make_key_pair
from tests.conftest import IN_CI
from tests.factories import InstitutionFactory
from tests.fakes.saml import FakeFederation, FakeSamlIdP

PERSON = {
    "eduPersonPrincipalName": ["taro@idp.example.ac.jp"],
    "mail": ["taro.yamada@example.ac.jp"],
    "displayName": ["Taro Yamada"],
    "jaDisplayName": ["山田 太郎"],
    "sn": ["Yamada"],
    "givenName": ["Taro"],
    "jasn": ["山田"],
    "jaGivenName": ["太郎"],
    "o": ["Test University"],
    "jaOrganizationName": ["テスト大学"],
    "eduPersonAffiliation": ["faculty", "member"],
    "eduPersonScopedAffiliation": ["faculty@idp.example.ac.jp", "member@idp.example.ac.jp"],
}


@pytest.fixture(autouse=True)
def _require_xmlsec1():
    if not shutil.which("xmlsec1"):
        if IN_CI:
            pytest.fail("CI must run the SAML tests, but xmlsec1 is missing (.ci/system-packages.sh installs it)")
        pytest.skip("needs xmlsec1 (apt-get install xmlsec1)")


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture(scope="session")
def key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("saml-keys")


@pytest.fixture(autouse=True)
def _sp_settings(settings, key_dir):
    cert, key = make_key_pair(key_dir / "sp", "test SP")
    settings.SAML_SP_CERT_FILE, settings.SAML_SP_KEY_FILE = str(cert), str(key)


@pytest.fixture
def idp(key_dir):
    server = FakeSamlIdP(key_dir=key_dir, person={k: list(v) for k, v in PERSON.items()}).start()
    yield server
    server.stop()


@pytest.fixture
def federation(key_dir):
    server = FakeFederation(key_dir=key_dir).start()
    yield server
    server.stop()


def register_institution(idp, federation):
    """The IdP's institution, registered in the portal, with the federation's aggregate loaded."""
    federation.publish([idp])
    record = federation_metadata_refresh(url=federation.metadata_url, cert_file=federation.cert_file)
    assert record.last_error == ""
    inst = InstitutionFactory(name_ja="テスト大学", name_en="Test University")
    InstitutionIdP.objects.create(institution=inst, entity_id=idp.entity_id, scope=idp.scope)
    return inst


@pytest.fixture
def institution(idp, federation, db):
    return register_institution(idp, federation)


def idp_answer(client, idp, *, next_url="/"):
    """Start at the portal's SAML login, let the IdP answer, and return the form it would auto-post."""
    start = client.get("/saml2/login/", {"idp": idp.entity_id, "next": next_url})
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(idp.url)
    html = requests.get(start["Location"], timeout=30).text
    action = unescape(re.search(r'action="([^"]+)"', html).group(1))
    fields = dict(re.findall(r'name="(SAMLResponse|RelayState)" value="([^"]*)"', html))
    return urlsplit(action).path, {k: unescape(v) for k, v in fields.items()}


def saml_sign_in(client, idp, *, next_url="/"):
    path, data = idp_answer(client, idp, next_url=next_url)
    return client.post(path, data)


def orcid_round_trip(client, start_url):
    """The browser's part: to ORCID's authorize page and back to the portal's callback."""
    start = client.get(start_url)
    assert start.status_code == 302, start.content[:300]
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    target = urlsplit(back.headers["Location"])
    return client.get(f"{target.path}?{target.query}")

"""Acceptance 2: the federation aggregate is verified before use; the last good copy survives a bad one;
the IdP picker lists the federation's IdPs in Japanese and English, without JavaScript."""

import pytest
from django.urls import reverse
from lxml import etree

from portal.identity.federation import federation_metadata_refresh
from portal.identity.models import FederationIdP, FederationMetadata
from portal.identity.tasks import federation_metadata_refresh_task
from tests.fakes.saml import FakeFederation, FakeSamlIdP

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_idps(key_dir):
    a = FakeSamlIdP(key_dir=key_dir, scope="a.example.ac.jp", name_ja="北海大学", name_en="Hokkai University").start()
    b = FakeSamlIdP(key_dir=key_dir, scope="b.example.ac.jp", name_ja="南海研究所", name_en="Nankai Institute").start()
    yield a, b
    a.stop()
    b.stop()


def _refresh(federation):
    return federation_metadata_refresh(url=federation.metadata_url, cert_file=federation.cert_file)


def test_a_correctly_signed_aggregate_is_accepted_with_names_in_ja_and_en(federation, two_idps):
    federation.publish(two_idps)
    record = _refresh(federation)
    assert record.last_error == "" and record.valid_until and "EntitiesDescriptor" in record.xml
    names = set(FederationIdP.objects.values_list("name_ja", "name_en", "scopes"))
    assert names == {("北海大学", "Hokkai University", "a.example.ac.jp"),
                     ("南海研究所", "Nankai Institute", "b.example.ac.jp")}


@pytest.mark.parametrize("damage", ["tampered", "expired", "other_key", "unsigned"])
def test_a_bad_aggregate_is_refused_and_the_last_good_copy_kept(federation, two_idps, key_dir, damage):
    federation.publish(two_idps[:1])
    good = _refresh(federation)
    good_xml = good.xml
    if damage == "tampered":
        federation.publish(two_idps)
        assert b"Nankai Institute" in federation.body
        federation.body = federation.body.replace(b"Nankai Institute", b"Phishing Institute")
    elif damage == "expired":
        federation.publish(two_idps, valid_hours=-1)
    elif damage == "other_key":
        impostor = FakeFederation(key_dir=key_dir / "impostor")
        federation.body = impostor.publish(two_idps)
        impostor.server.server_close()
    else:
        root = etree.fromstring(federation.publish(two_idps))
        root.remove(root.find("{http://www.w3.org/2000/09/xmldsig#}Signature"))
        federation.body = etree.tostring(root)
    record = _refresh(federation)
    assert record.last_error, damage
    assert record.xml == good_xml
    assert list(FederationIdP.objects.values_list("name_en", flat=True)) == ["Hokkai University"]


def test_an_unreachable_aggregate_keeps_the_last_good_copy(federation, two_idps):
    federation.publish(two_idps)
    _refresh(federation)
    federation.body = b""  # 404 from now on
    record = _refresh(federation)
    assert "404" in record.last_error
    assert FederationIdP.objects.count() == 2


def test_the_beat_task_refreshes_the_configured_aggregate(federation, two_idps, settings):
    federation.publish(two_idps)
    settings.SAML_FEDERATION_METADATA_URL = federation.metadata_url
    settings.SAML_FEDERATION_SIGNING_CERT = federation.cert_file
    federation_metadata_refresh_task.delay()
    assert FederationMetadata.objects.get().idps.count() == 2


def test_the_picker_lists_idps_in_japanese_and_english_and_searches(client, federation, two_idps):
    federation.publish(two_idps)
    _refresh(federation)
    url = reverse("identity:idp-picker")
    ja = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "北海大学" in ja and "Hokkai University" in ja and "所属機関を選ぶ" in ja
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Choose your institution" in en and "Nankai Institute" in en
    found = client.get(url, {"q": "南海"}).content.decode()
    assert "Nankai Institute" in found and "Hokkai University" not in found
    found = client.get(url, {"q": "hokkai"}).content.decode()
    assert "Hokkai University" in found and "Nankai Institute" not in found


def test_the_picker_remembers_the_last_choice(client, federation, two_idps):
    a, _b = two_idps
    federation.publish(two_idps)
    _refresh(federation)
    url = reverse("identity:idp-picker")
    choice = client.get(url, {"idp": a.entity_id, "next": "/profile/"})
    assert choice.status_code == 302 and choice["Location"].startswith("/saml2/login/?idp=")
    page = client.get(url).content.decode()
    assert "Last time you chose:" in page and "Hokkai University" in page.split("Last time you chose:")[1][:400]

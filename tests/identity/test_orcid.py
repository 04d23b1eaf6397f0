"""Acceptance 4: ORCID sign-in and a verified iD, against a local server speaking ORCID's OAuth."""


import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from dmp.services import template_load_shipped
from metadata.formats.datacite import record_to_datacite_bytes
from metadata.formats.jpcoar import record_to_jpcoar_bytes
from metadata.madmp.services import madmp_export
from portal.identity.models import Identity, Provider
from tests.dmp.factories import make_dmp
from tests.factories import COMPLETE_PEOPLE, ProjectFactory, UserFactory, make_record
from tests.fakes.orcid import FakeOrcid
from tests.identity.conftest import orcid_round_trip

pytestmark = pytest.mark.django_db

ORCID = "0000-0002-1825-0097"


@pytest.fixture
def orcid(settings):
    server = FakeOrcid(client_id="APP-TESTCLIENT", client_secret="s3cret", orcid=ORCID,
                       person_name="Josiah Carberry").start()
    settings.ORCID_BASE_URL = server.url
    settings.ORCID_CLIENT_ID, settings.ORCID_CLIENT_SECRET = "APP-TESTCLIENT", "s3cret"
    yield server
    server.stop()


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def test_connect_stores_a_verified_id_that_flows_into_jpcoar_and_datacite(client, orcid):
    user = UserFactory(orcid="0000-0001-5109-3700")  # typed, someone else's
    project = ProjectFactory(pi=user)
    people = [{**COMPLETE_PEOPLE[0], "user": user, "orcid": "0000-0001-5109-3700"}, COMPLETE_PEOPLE[1]]
    record = make_record(project=project, status="published", people=people)
    client.force_login(user)
    before = client.get(reverse("portal:profile")).content.decode()
    assert "unverified (typed in)" in before and "Connect your ORCID iD" in before

    response = orcid_round_trip(client, reverse("identity:orcid-connect"))

    assert response["Location"] == reverse("portal:profile")
    user.refresh_from_db()
    assert user.orcid == ORCID
    assert Identity.objects.filter(user=user, provider=Provider.ORCID, key=ORCID).exists()
    page = client.get(reverse("portal:profile")).content.decode()
    assert "verified by signing in with ORCID" in page and "img/orcid.svg" in page
    record.refresh_from_db()
    assert f"https://orcid.org/{ORCID}".encode() in record_to_jpcoar_bytes(record)
    assert f"https://orcid.org/{ORCID}".encode() in record_to_datacite_bytes(record)
    assert b"0000-0001-5109-3700" not in record_to_jpcoar_bytes(record)
    landing = client.get(record.get_absolute_url()).content.decode()
    assert f'"sameAs": "https://orcid.org/{ORCID}"' in landing  # schema.org JSON-LD
    harvested = client.get("/oai", {"verb": "GetRecord", "metadataPrefix": "jpcoar_2.0",
                                    "identifier": f"oai:{settings.OAI_REPOSITORY_IDENTIFIER}:{record.pk}"})
    assert ORCID in harvested.content.decode()  # the stored rendering harvesters get follows the change
    template_load_shipped()
    dmp = make_dmp(pi=user, institution=project.institution)
    madmp = madmp_export(dmp=dmp, viewer=user)
    assert madmp["dmp"]["contact"]["contact_id"] == {"identifier": ORCID, "type": "orcid"}


def test_a_typed_id_stays_unverified(client, orcid):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("portal:profile"), {
        "family_name_ja": "山田", "given_name_ja": "花子", "family_name_en": "Yamada", "given_name_en": "Hanako",
        "erad_researcher_number": "", "orcid": ORCID, "preferred_language": "en"})
    page = client.get(reverse("portal:profile")).content.decode()
    assert "unverified (typed in)" in page and "verified by signing in with ORCID" not in page
    assert not Identity.objects.exists()


def test_sign_in_with_orcid_for_a_linked_person(client, orcid):
    user = UserFactory()
    client.force_login(user)
    orcid_round_trip(client, reverse("identity:orcid-connect"))
    client.logout()
    response = orcid_round_trip(client, reverse("identity:orcid-login") + "?next=/profile/")
    assert response["Location"] == "/profile/"
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_in_with_an_unlinked_orcid_is_refused_and_creates_nobody(client, orcid):
    from portal.models import User
    count = User.objects.count()
    response = orcid_round_trip(client, reverse("identity:orcid-login"))
    assert response.status_code == 403
    assert "No account is connected to this ORCID iD" in response.content.decode()
    assert User.objects.count() == count and "_auth_user_id" not in client.session


def test_an_orcid_linked_to_someone_else_is_refused(client, orcid):
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    orcid_round_trip(client, reverse("identity:orcid-connect"))
    client.force_login(second)
    response = orcid_round_trip(client, reverse("identity:orcid-connect"))
    assert response.status_code == 403
    assert "already connected to another account" in response.content.decode()
    assert Identity.objects.get(key=ORCID).user == first


def test_a_denied_authorization_or_a_forged_state_changes_nothing(client, orcid):
    user = UserFactory()
    client.force_login(user)
    orcid.deny = True
    assert orcid_round_trip(client, reverse("identity:orcid-connect")).status_code == 403
    orcid.deny = False
    client.get(reverse("identity:orcid-connect"))
    forged = client.get(reverse("identity:orcid-callback"), {"code": "abc", "state": "forged"})
    assert forged.status_code == 403
    assert not Identity.objects.exists()

import datetime

import pytest
from django.conf import settings
from django.utils import translation
from lxml import etree

from metadata.formats.datacite import record_to_datacite
from metadata.formats.jpcoar import record_to_jpcoar, record_to_jpcoar_bytes
from metadata.formats.oai_dc import record_to_oai_dc
from metadata.models import ManagedData
from metadata.presentation import json_ld
from portal.models import User

pytest.register_assert_rewrite("tests.metadata.oai.fixtures")
pytest_plugins = ["tests.metadata.oai.fixtures"]
from tests.metadata.oai.fixtures import assert_valid  # noqa: E402

FORMATS = {"jpcoar_2.0": record_to_jpcoar, "oai_datacite": record_to_datacite, "oai_dc": record_to_oai_dc}
J = {"jpcoar": "https://github.com/JPCOAR/schema/blob/master/2.0/", "dc": "http://purl.org/dc/elements/1.1/",
     "datacite": "https://schema.datacite.org/meta/kernel-4/", "dcterms": "http://purl.org/dc/terms/"}


def _all_demo_records():
    """Every demo record, whatever its state: the mapping must hold for drafts too (deposit reuses it)."""
    return list(ManagedData.objects.select_related("institution", "project__program__funder")
                .prefetch_related("people").order_by("pk"))


@pytest.mark.schemas
@pytest.mark.parametrize("prefix", FORMATS)
def test_every_demo_record_is_valid_in_every_format(demo, official_schemas, prefix):
    records = _all_demo_records()
    assert len(records) == 12
    for record in records:
        assert_valid(official_schemas[prefix], FORMATS[prefix](record))


@pytest.mark.schemas
def test_jpcoar_bytes_parse_and_validate(demo, official_schemas):
    record = _all_demo_records()[0]
    data = record_to_jpcoar_bytes(record)
    assert data.startswith(b"<?xml")
    assert_valid(official_schemas["jpcoar_2.0"], data)


def test_jpcoar_maps_the_cabinet_office_elements(demo):
    record = next(r for r in _all_demo_records() if r.title_en == "Scalp EEG during BMI operation")
    root = record_to_jpcoar(record)
    identifiers = [(e.get("identifierType"), e.text) for e in root.findall("jpcoar:identifier", J)]
    assert identifiers == [
        ("DOI", "https://doi.org/10.18112/openneuro.ds000001.v1.0.0"),
        ("URI", f"{settings.PORTAL_BASE_URL}/data/{record.pk}/"),
    ]
    assert [s.text for s in root.findall("jpcoar:subject", J)] == ["ライフサイエンス", "Life Science"]
    assert root.find("dc:type", J).get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource") == \
        "http://purl.org/coar/resource_type/DD58-GFSX"
    assert root.find("jpcoar:relation/jpcoar:relatedIdentifier", J).text == "2"
    funding = root.find("jpcoar:fundingReference", J)
    assert funding.find("jpcoar:awardNumber", J).text == "JPMJMS2011"
    assert funding.find("jpcoar:awardNumber", J).get("awardNumberType") == "JGN"
    creators = [c.find("jpcoar:creatorName", J).text for c in root.findall("jpcoar:creator", J)]
    assert creators == ["実験 次郎", "研究 花子"]
    assert root.find("jpcoar:file/jpcoar:extent", J).text == "38GB"
    # element order follows the schema's sequence
    order = [etree.QName(e).localname for e in root]
    assert order.index("title") < order.index("creator") < order.index("contributor") < order.index("accessRights")
    assert order.index("type") < order.index("identifier") < order.index("fundingReference") < order.index("file")


def test_embargoed_record_carries_its_available_date(demo):
    record = next(r for r in _all_demo_records() if r.access_right == "embargoed access")
    root = record_to_jpcoar(record)
    assert root.find("dcterms:accessRights", J).text == "embargoed access"
    available = root.find("datacite:date[@dateType='Available']", J)
    assert datetime.date.fromisoformat(available.text) == record.embargo_until
    dc = record_to_oai_dc(record)
    assert f"info:eu-repo/date/embargoEnd/{record.embargo_until.isoformat()}" in [
        e.text for e in dc.findall("{http://purl.org/dc/elements/1.1/}date")]


def test_datacite_identifies_by_doi_and_never_offers_the_landing_page_as_identifier(demo):
    records = {r.title_en: r for r in _all_demo_records()}
    with_doi = record_to_datacite(records["Scalp EEG during BMI operation"])
    k = "{http://datacite.org/schema/kernel-4}"
    assert (with_doi.find(k + "identifier").get("identifierType"), with_doi.find(k + "identifier").text) == \
        ("DOI", "10.18112/openneuro.ds000001.v1.0.0")
    without = records["Robot grasping learning data"]
    resource = record_to_datacite(without)
    element = resource.find(k + "identifier")
    # DataCite registers DOIs only: "to be assigned" (DataCite's standard value), not a URL identifier
    assert (element.get("identifierType"), element.text) == ("DOI", ":tba")
    alternates = [(e.get("alternateIdentifierType"), e.text) for e in resource.iter(k + "alternateIdentifier")]
    assert ("URL", f"{settings.PORTAL_BASE_URL}/data/{without.pk}/") in alternates


@pytest.mark.schemas
def test_jpcoar_gives_name_parts_identifier_uris_both_licence_labels_and_the_award_uri(demo, official_schemas):
    record = next(r for r in _all_demo_records() if r.project.grant_number == "JP24K00366" and r.license)
    person = record.people.filter(kind="creator").exclude(erad_researcher_number="").first()
    person.user = User.objects.get(email="researcher@demo.example.ac.jp")
    person.save()
    record = next(r for r in _all_demo_records() if r.pk == record.pk)
    root = record_to_jpcoar(record)
    assert_valid(official_schemas["jpcoar_2.0"], root)
    creator = next(c for c in root.findall("jpcoar:creator", J)
                   if c.find("jpcoar:nameIdentifier", J).text == person.erad_researcher_number)
    assert creator.find("jpcoar:nameIdentifier", J).get("nameIdentifierURI") == \
        f"https://nrid.nii.ac.jp/nrid/1000{person.erad_researcher_number}"
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    family = [(e.get(lang), e.text) for e in creator.findall("jpcoar:familyName", J)]
    given = [(e.get(lang), e.text) for e in creator.findall("jpcoar:givenName", J)]
    assert (family, given) == ([("ja", "研究"), ("en", "Kenkyu")], [("ja", "花子"), ("en", "Hanako")])
    licence = [(e.get(lang), e.text) for e in root.findall("dc:rights", J)
               if e.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}resource")]
    assert [language for language, _text in licence] == ["ja", "en"]
    award = root.find("jpcoar:fundingReference/jpcoar:awardNumber", J)
    assert award.get("awardURI") == "https://kaken.nii.ac.jp/grant/KAKENHI-PROJECT-24K00366/"


def test_json_ld_has_funding_other_title_keywords_identified_creators_and_a_long_enough_description(demo):
    record = next(r for r in _all_demo_records() if r.title_en == "Scalp EEG during BMI operation")
    record.formats = ["application/x-edf"]
    record.data_access = True
    with translation.override("en"):
        doc = json_ld(record)
    grant = doc["funding"][0]
    assert (grant["@type"], grant["identifier"]) == ("MonetaryGrant", "JPMJMS2011")
    assert grant["funder"]["name"] and grant["funder"]["identifier"]
    assert doc["alternateName"] == record.title_ja != doc["name"]
    assert "Life Science" in doc["keywords"]
    assert all(c.get("identifier") for c in doc["creator"])
    assert doc["distribution"][0]["encodingFormat"] == ["application/x-edf"]
    assert 50 <= len(doc["description"]) <= 5000
    record.description_en, record.description_ja = "Short.", ""
    with translation.override("en"):
        composed = json_ld(record)["description"]
    assert 50 <= len(composed) and composed.startswith("Short. Scalp EEG during BMI operation.")
    assert "JPMJMS2011" in composed

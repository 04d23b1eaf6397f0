"""Render once, serve many (#17) and datestamps that tell the truth (#13): what harvesters get is the
stored rendering of each record's public view; it is re-rendered and re-dated when, and only when, what
they see changes, from any path. The expected records are worked out from the models here (an oracle
independent of the rendering code)."""

import io
import re
import time

import pytest
from django.core.management import call_command
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import NoRecordsMatch

from dmp.models import DMP
from dmp.services import project_update
from metadata.models import ManagedData
from metadata.oai.models import HarvestRecord
from metadata.oai.protocol import oai_identifier
from metadata.vocabularies import ACCESS_RIGHT_SLUG, PROJECT_FIELD

pytest.register_assert_rewrite("tests.metadata.oai_fixtures")
pytest_plugins = ["tests.metadata.oai_fixtures"]
from tests.metadata.oai_fixtures import OAI_NS, assert_valid, demo_harvest, oai_get  # noqa: E402

PREFIXES = ("jpcoar_2.0", "oai_datacite", "oai_dc")
RECORD = re.compile(rb"<record>.*?</record>", re.S)


def _ids(records) -> set[str]:
    return {oai_identifier(r.pk) for r in records}


def _harvestable():
    """The demo's records harvesters get, live or deleted, as the demo declares them (`demo_harvest`)."""
    return ManagedData.objects.filter(pk__in=demo_harvest())


def _live():
    return ManagedData.objects.filter(pk__in=[pk for pk, deleted in demo_harvest().items() if not deleted])


# --- datestamps over HTTP with an independent client ---------------------------------------------------

@pytest.fixture
def live_demo(transactional_db, live_server, settings):
    call_command("load_demo", stdout=io.StringIO())
    settings.OAI_PAGE_SIZE = 3
    return Sickle(f"{live_server.url}/oai", max_retries=0)


def _now(sickle) -> str:
    """The server's responseDate, one second after every datestamp so far (the granularity is seconds)."""
    time.sleep(1.1)
    return sickle.Identify().xml.getparent().findtext("o:responseDate", namespaces=OAI_NS)


def _incremental(sickle, since: str) -> dict[str, bool]:
    """{identifier: deleted} of an incremental harvest from `since`."""
    try:
        return {h.identifier: h.deleted for h in sickle.ListIdentifiers(
            metadataPrefix="oai_dc", ignore_deleted=False, **{"from": since})}
    except NoRecordsMatch:
        return {}


def test_changes_through_project_program_and_funder_move_exactly_the_affected_datestamps(live_demo):
    sickle = live_demo
    assert len(list(sickle.ListRecords(metadataPrefix="jpcoar_2.0", ignore_deleted=False))) == len(demo_harvest())
    since = _now(sickle)
    assert _incremental(sickle, since) == {}

    # the project's research field, through the DMP editor's service: the records that take the
    # project's field change (jpcoar:subject, their field: set), withdrawn ones' deleted headers too
    dmp = DMP.objects.select_related("project__pi").get(project__grant_number="JPMJMS2011")
    project = dmp.project
    following = _harvestable().filter(project=project, research_field=PROJECT_FIELD)
    assert following.filter(status="published").exists()
    assert _harvestable().filter(project=project).exclude(research_field=PROJECT_FIELD).exists()
    project_update(dmp_id=dmp.pk, actor=project.pi, data={"research_field": "900"},
                   members=[{"user": m.user, "role": m.role} for m in project.members.all()])
    assert set(_incremental(sickle, since)) == _ids(following)
    record = following.filter(status="published").first()
    metadata = sickle.GetRecord(identifier=oai_identifier(record.pk), metadataPrefix="jpcoar_2.0")
    assert "field:900" in metadata.header.setSpecs
    assert "Humanities & Social Sciences" in etree.fromstring(metadata.raw.encode()).itertext()

    # a program's name (jpcoar:fundingStream), as the admin site saves it: its published records
    since = _now(sickle)
    program = project.program
    program.name_en = "Moonshot Goal 1 (renamed)"
    program.save()
    affected = _live().filter(project__program=program)
    assert _incremental(sickle, since) == {i: False for i in _ids(affected)}

    # a funder's identifier (jpcoar:funderIdentifier): every published record of all its programs
    since = _now(sickle)
    funder = program.funder
    funder.erad_code = "9876"
    funder.save()
    affected = _live().filter(project__program__funder=funder)
    assert affected.exclude(project__program=program).exists()
    assert _incremental(sickle, since) == {i: False for i in _ids(affected)}
    assert ">9876</jpcoar:funderIdentifier>" in sickle.GetRecord(
        identifier=oai_identifier(affected.first().pk), metadataPrefix="jpcoar_2.0").raw

    # saving without a change moves nothing
    since = _now(sickle)
    for obj in (funder, program, project):
        obj.refresh_from_db()
        obj.save()
    assert _incremental(sickle, since) == {}


def test_record_leaving_the_public_set_becomes_a_deleted_header_and_can_return(live_demo):
    sickle = live_demo
    record = _live().order_by("pk").first()
    identifier = oai_identifier(record.pk)
    since = _now(sickle)
    record.metadata_access = "restricted access"  # e.g. by the admin site
    record.save()
    header = sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc").header
    assert header.deleted
    assert _incremental(sickle, since) == {identifier: True}
    # it stays a deleted header
    since = _now(sickle)
    record.title_en = "Changed while restricted"
    record.save()
    assert _incremental(sickle, since) == {}
    assert sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc").header.deleted
    # and is live again, with a new datestamp, once its metadata is open again
    record.metadata_access = "open access"
    record.save()
    assert _incremental(sickle, since) == {identifier: False}
    assert "Changed while restricted" in sickle.GetRecord(identifier=identifier, metadataPrefix="oai_dc").raw


# --- byte for byte, schemas, control characters ----------------------------------------------------------

@pytest.mark.schemas
@pytest.mark.parametrize("prefix", PREFIXES)
def test_every_harvested_record_is_byte_for_byte_its_get_record_and_valid(client, demo, settings,
                                                                          official_schemas, prefix):
    settings.OAI_PAGE_SIZE = 4
    harvested, params = [], {"verb": "ListRecords", "metadataPrefix": prefix}
    while True:
        content = client.get("/oai", params).content
        harvested += RECORD.findall(content)
        token = etree.fromstring(content).find("o:ListRecords/o:resumptionToken", OAI_NS)
        if token is None or not token.text:
            break
        params = {"verb": "ListRecords", "resumptionToken": token.text}
    assert len(harvested) == len(demo_harvest())
    for markup in harvested:
        identifier = etree.fromstring(markup).findtext("header/identifier")
        single = client.get("/oai", {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": prefix})
        assert RECORD.findall(single.content) == [markup]
        metadata = etree.fromstring(markup).find("metadata")
        if metadata is not None:
            assert_valid(official_schemas[prefix], etree.fromstring(etree.tostring(metadata[0])))


@pytest.mark.schemas
def test_a_control_character_forced_into_the_database_never_breaks_a_harvest(client, demo, official_schemas):
    record = _live().order_by("pk").first()
    record.description_en = "Soft\x0breturn from Word, and a \x1f unit separator"
    record.save()  # no full_clean: as a bulk load or a raw SQL fix would
    for prefix in PREFIXES:
        root = oai_get(client, verb="GetRecord", identifier=oai_identifier(record.pk), metadataPrefix=prefix)
        assert_valid(official_schemas[f"oai:{prefix}"], root)
        assert "Softreturn from Word" in etree.tostring(root, encoding="unicode")
        root = oai_get(client, verb="ListRecords", metadataPrefix=prefix)
        assert_valid(official_schemas[f"oai:{prefix}"], root)


def test_oai_render_redates_nothing_when_nothing_changed(demo):
    before = dict(HarvestRecord.objects.values_list("record_id", "datestamp"))
    assert set(before) == set(demo_harvest())
    out = io.StringIO()
    call_command("oai_render", stdout=out)
    assert out.getvalue().startswith("0 ")
    assert dict(HarvestRecord.objects.values_list("record_id", "datestamp")) == before


# --- protocol edges ---------------------------------------------------------------------------------------

ERRORS = [
    ({"verb": "Nonsense"}, "badVerb"),
    ({}, "badVerb"),
    ({"verb": "ListRecords", "metadataPrefix": ""}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "a b"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "分野"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "a<b", "identifier": "oai:rdportal.example.ac.jp:1"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": ""}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "institution:"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "foo bar"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "分野"}, "badArgument"),
    ({"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "field::189"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": ""}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "a b"}, "badArgument"),
    ({"verb": "ListMetadataFormats", "identifier": "識別子"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-01 "}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "\x0b"}, "badArgument"),
    ({"verb": "Identify", "foo": "bar"}, "badArgument"),
    ({"verb": "ListRecords", "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:rdportal.example.ac.jp:999999"},
     "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "urn:x:%C3%A9"}, "idDoesNotExist"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "access:closed"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "nonsense"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2999-01-01"}, "noRecordsMatch"),
    ({"verb": "ListRecords", "resumptionToken": "not a token <&>"}, "badResumptionToken"),
    ({"verb": "ListSets", "resumptionToken": "x"}, "badResumptionToken"),
    ({"verb": "ListMetadataFormats", "identifier": "WITHDRAWN"}, "noMetadataFormats"),
]


@pytest.mark.schemas
@pytest.mark.parametrize(("params", "code"), ERRORS)
def test_every_error_response_is_valid_and_echoes_no_illegal_value(client, demo, official_schemas, params, code):
    if params.get("identifier") == "WITHDRAWN":
        [withdrawn] = [pk for pk, deleted in demo_harvest().items() if deleted]
        params = {**params, "identifier": oai_identifier(withdrawn)}
    root = oai_get(client, **params)
    assert_valid(official_schemas["oai:oai_dc"], root)
    assert [e.get("code") for e in root.findall("o:error", OAI_NS)] == [code]
    if code in ("badVerb", "badArgument"):
        assert root.find("o:request", OAI_NS).attrib == {}


@pytest.mark.schemas
def test_list_sets_lists_exactly_the_sets_holding_public_records(client, demo, official_schemas):
    root = oai_get(client, verb="ListSets")
    assert_valid(official_schemas["oai:oai_dc"], root)
    listed = [e.text for e in root.iterfind("o:ListSets/o:set/o:setSpec", OAI_NS)]
    assert len(listed) == len(set(listed))
    expected = set()
    for r in _harvestable().select_related("institution", "project__program__funder"):
        field = r.project.research_field if r.research_field == PROJECT_FIELD else r.research_field
        expected |= {f"institution:{r.institution.code}", f"funder:{r.project.program.funder.code}",
                     f"program:{r.project.program_id}", f"access:{ACCESS_RIGHT_SLUG[r.access_right]}", f"field:{field}"}
    assert {s for s in listed if ":" in s} == expected
    assert "access:closed" not in listed and "field:9999" not in listed
    assert {s for s in listed if ":" not in s} == {"institution", "funder", "program", "access", "field"}
    # sets held only by deleted headers stay listed (a harvester can still collect the deletions)
    for record in ManagedData.objects.filter(status="published"):
        record.status = "withdrawn"
        record.save()
    root = oai_get(client, verb="ListSets")
    assert {e.text for e in root.iterfind("o:ListSets/o:set/o:setSpec", OAI_NS) if ":" in e.text} == expected

import datetime
import time

import pytest
from django.core import signing
from django.utils import timezone
from lxml import etree

from metadata.models import ManagedData
from metadata.oai.models import HarvestRecord
from metadata.oai.protocol import oai_identifier
from metadata.oai.rendering import header_markup
from metadata.oai.tokens import SALT
from metadata.services import managed_data_transition
from portal.models import User

pytest.register_assert_rewrite("tests.metadata.oai_fixtures")
pytest_plugins = ["tests.metadata.oai_fixtures"]
from tests.metadata.oai_fixtures import (  # noqa: E402
    OAI_NS,
    assert_valid,
    demo_harvest,
    harvest,
    identifiers,
    oai_error,
    oai_get,
    publish_new_record,
)

PREFIXES = ("jpcoar_2.0", "oai_datacite", "oai_dc")


def _public_ids():
    return identifiers(demo_harvest())


def _live():
    """The demo's records harvesters get with their metadata (released, not withdrawn), by id."""
    live = [pk for pk, deleted in demo_harvest().items() if not deleted]
    return ManagedData.objects.filter(pk__in=live).order_by("pk")


def _deleted():
    return [pk for pk, deleted in sorted(demo_harvest().items()) if deleted]


def _hidden():
    """The demo records no harvester may learn about: never released, or metadata restricted/closed."""
    return ManagedData.objects.exclude(pk__in=demo_harvest())


# --- the six verbs ---------------------------------------------------------------------------------

@pytest.mark.schemas
def test_identify_describes_the_repository(client, demo, settings, official_schemas):
    settings.OAI_REPOSITORY_NAME = "Toto RDM"
    settings.OAI_ADMIN_EMAILS = ["oai@toto.example.ac.jp", "rdm@toto.example.ac.jp"]
    settings.OAI_REPOSITORY_IDENTIFIER = "rdm.toto.example.ac.jp"
    root = oai_get(client, verb="Identify")
    assert_valid(official_schemas["oai:oai_dc"], root)
    body = root.find("o:Identify", OAI_NS)
    assert body.findtext("o:repositoryName", namespaces=OAI_NS) == "Toto RDM"
    assert [e.text for e in body.findall("o:adminEmail", OAI_NS)] == settings.OAI_ADMIN_EMAILS
    assert body.findtext("o:deletedRecord", namespaces=OAI_NS) == "persistent"
    assert body.findtext("o:granularity", namespaces=OAI_NS) == "YYYY-MM-DDThh:mm:ssZ"
    earliest = min(ManagedData.objects.filter(pk__in=demo_harvest()).values_list("datestamp", flat=True))
    assert body.findtext("o:earliestDatestamp", namespaces=OAI_NS) == earliest.astimezone(datetime.UTC).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "rdm.toto.example.ac.jp" in etree.tostring(body).decode()


@pytest.mark.schemas
def test_list_metadata_formats_offers_the_three_formats(client, demo, official_schemas):
    root = oai_get(client, verb="ListMetadataFormats")
    assert_valid(official_schemas["oai:oai_dc"], root)
    assert [e.text for e in root.iter("{http://www.openarchives.org/OAI/2.0/}metadataPrefix")] == list(PREFIXES)
    one = _live().first()
    root = oai_get(client, verb="ListMetadataFormats", identifier=oai_identifier(one.pk))
    assert len(root.findall("o:ListMetadataFormats/o:metadataFormat", OAI_NS)) == 3


@pytest.mark.schemas
def test_list_sets_lists_institutions_funders_programs_access_and_fields(client, demo, official_schemas):
    root = oai_get(client, verb="ListSets")
    assert_valid(official_schemas["oai:oai_dc"], root)
    specs = [e.text for e in root.iter("{http://www.openarchives.org/OAI/2.0/}setSpec")]
    assert {"institution", "funder", "program", "access", "field"} <= set(specs)
    assert {"institution:9000000001", "funder:JST", "access:open", "access:embargoed", "field:189"} <= set(specs)
    assert any(spec.startswith("program:") for spec in specs)


@pytest.mark.schemas
@pytest.mark.parametrize("prefix", PREFIXES)
def test_get_record_in_each_format_is_valid(client, demo, official_schemas, prefix):
    for record in _live():
        root = oai_get(client, verb="GetRecord", identifier=oai_identifier(record.pk), metadataPrefix=prefix)
        assert_valid(official_schemas[f"oai:{prefix}"], root)
        assert root.find("o:GetRecord/o:record/o:metadata", OAI_NS) is not None


def test_withdrawn_record_is_a_deleted_header_without_metadata(client, demo):
    [withdrawn] = ManagedData.objects.filter(pk__in=_deleted())
    root = oai_get(client, verb="GetRecord", identifier=oai_identifier(withdrawn.pk), metadataPrefix="oai_dc")
    header = root.find("o:GetRecord/o:record/o:header", OAI_NS)
    assert header.get("status") == "deleted"
    assert root.find("o:GetRecord/o:record/o:metadata", OAI_NS) is None
    root = oai_get(client, verb="ListRecords", metadataPrefix="jpcoar_2.0")
    deleted = root.findall("o:ListRecords/o:record/o:header[@status='deleted']", OAI_NS)
    assert [h.findtext("o:identifier", namespaces=OAI_NS) for h in deleted] == [oai_identifier(withdrawn.pk)]
    live = root.findall("o:ListRecords/o:record[o:metadata]/o:header", OAI_NS)
    assert {h.findtext("o:identifier", namespaces=OAI_NS) for h in live} == identifiers(r.pk for r in _live())


@pytest.mark.schemas
@pytest.mark.parametrize("prefix", PREFIXES)
def test_list_records_pages_are_valid_and_complete(client, demo, settings, official_schemas, prefix):
    settings.OAI_PAGE_SIZE = 2
    seen, token = [], None
    while True:
        root = oai_get(client, verb="ListRecords", **({"resumptionToken": token} if token else
                                                      {"metadataPrefix": prefix}))
        assert_valid(official_schemas[f"oai:{prefix}"], root)
        seen += [e.text for e in root.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
                 if e.getparent().tag.endswith("header")]
        element = root.find("o:ListRecords/o:resumptionToken", OAI_NS)
        if element is None or not element.text:
            break
        token = element.text
    assert sorted(seen) == sorted(_public_ids())
    assert len(seen) == len(set(seen))


def test_resumption_token_carries_size_cursor_and_expiry(client, demo, settings):
    total = len(demo_harvest())
    settings.OAI_PAGE_SIZE = 4
    assert 4 < total <= 8
    root = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find("o:ListIdentifiers/o:resumptionToken", OAI_NS)
    assert (token.get("completeListSize"), token.get("cursor")) == (str(total), "0")
    expires = datetime.datetime.strptime(token.get("expirationDate"), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    assert timezone.now() + datetime.timedelta(hours=23) < expires <= timezone.now() + datetime.timedelta(hours=24)
    root = oai_get(client, verb="ListIdentifiers", resumptionToken=token.text)
    last = root.find("o:ListIdentifiers/o:resumptionToken", OAI_NS)
    assert (last.text, last.get("cursor"), last.get("completeListSize")) == (None, "4", str(total))


def test_post_works_like_get(client, demo):
    response = client.post("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert response.status_code == 200
    ids = {e.text for e in etree.fromstring(response.content).iter("{http://www.openarchives.org/OAI/2.0/}identifier")}
    assert ids == _public_ids()


# --- visibility --------------------------------------------------------------------------------------

def test_harvest_holds_exactly_the_public_records(client, demo, settings):
    settings.OAI_PAGE_SIZE = 4
    pages, _ = harvest(client, metadataPrefix="oai_dc")
    assert sorted(sum(pages, [])) == sorted(_public_ids())


def test_restricted_closed_and_unreleased_records_never_appear_even_as_identifiers(client, demo):
    hidden = list(_hidden())
    assert {r.status for r in hidden} >= {"draft", "submitted", "returned"}
    assert {r.metadata_access for r in hidden} >= {"restricted access", "closed access"}
    bodies = [client.get("/oai", {"verb": "ListRecords", "metadataPrefix": p}).content.decode() for p in PREFIXES]
    bodies.append(client.get("/oai", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content.decode())
    for record in hidden:
        assert all(f"{oai_identifier(record.pk)}<" not in body for body in bodies)
        assert all(record.title_en not in body for body in bodies)
        assert oai_error(client, verb="GetRecord", identifier=oai_identifier(record.pk),
                         metadataPrefix="oai_dc") == "idDoesNotExist"


# --- sets and dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "condition"), [
    ("access:embargoed", lambda r: r.access_right == "embargoed access"),
    ("access:open", lambda r: r.access_right == "open access"),
    ("funder:JST", lambda r: r.project.program.funder.code == "JST"),
    ("institution:9000000001", lambda r: r.institution.code == "9000000001"),
    ("field:189", lambda r: r.effective_research_field == "189"),
    ("field:289", lambda r: r.effective_research_field == "289"),
    ("funder", lambda r: True),
])
def test_sets_select_their_records(client, demo, spec, condition):
    expected = {oai_identifier(r.pk) for r in ManagedData.objects.filter(pk__in=demo_harvest()) if condition(r)}
    assert expected
    pages, _ = harvest(client, metadataPrefix="oai_dc", set=spec)
    assert set(sum(pages, [])) == expected


def test_program_set(client, demo):
    public = ManagedData.objects.filter(pk__in=demo_harvest()).select_related("project").order_by("pk")
    record = public.first()
    expected = {oai_identifier(r.pk) for r in public if r.project.program_id == record.project.program_id}
    pages, _ = harvest(client, metadataPrefix="oai_dc", set=f"program:{record.project.program_id}")
    assert set(sum(pages, [])) == expected


def _stamp(record_ids, when):
    """Set datestamps where harvests read them (the stored renderings' headers too)."""
    ManagedData.objects.filter(pk__in=record_ids).update(datestamp=when)
    for row in HarvestRecord.objects.filter(record_id__in=record_ids):
        row.datestamp = when
        row.header = header_markup(row)
        row.save()


def test_from_and_until_at_day_and_second_granularity(client, demo):
    public = list(ManagedData.objects.filter(pk__in=demo_harvest()).order_by("pk"))
    a, b, c = public[0], public[1], public[2]
    base = datetime.datetime(2026, 3, 10, 12, 0, 0, 500000, tzinfo=datetime.UTC)
    _stamp([a.pk], base - datetime.timedelta(days=2))
    _stamp([b.pk], base)
    _stamp([c.pk], base + datetime.timedelta(seconds=1))
    _stamp([r.pk for r in public[3:]], base + datetime.timedelta(days=5))

    def ids(**params):
        return set(sum(harvest(client, metadataPrefix="oai_dc", **params)[0], []))

    assert ids(until="2026-03-10") == {oai_identifier(a.pk), oai_identifier(b.pk), oai_identifier(c.pk)}
    assert ids(**{"from": "2026-03-10", "until": "2026-03-10"}) == {oai_identifier(b.pk), oai_identifier(c.pk)}
    assert ids(until="2026-03-10T12:00:00Z") == {oai_identifier(a.pk), oai_identifier(b.pk)}
    assert ids(**{"from": "2026-03-10T12:00:00Z", "until": "2026-03-10T12:00:00Z"}) == {oai_identifier(b.pk)}
    assert ids(**{"from": "2026-03-10T12:00:01Z", "until": "2026-03-10T23:59:59Z"}) == {oai_identifier(c.pk)}
    assert len(ids(**{"from": "2026-03-11"})) == len(public) - 3


# --- error codes, one by one -------------------------------------------------------------------------

@pytest.mark.parametrize("params", [{}, {"verb": "Harvest"}, {"verb": "identify"}])
def test_bad_verb(client, db, params):
    assert oai_error(client, **params) == "badVerb"


def test_repeated_verb_is_bad_verb(client, db):
    root = etree.fromstring(client.get("/oai?verb=Identify&verb=Identify").content)
    assert root.find("o:error", OAI_NS).get("code") == "badVerb"
    assert root.find("o:request", OAI_NS).attrib == {}


@pytest.mark.parametrize("params", [
    {"verb": "ListRecords"},
    {"verb": "ListIdentifiers", "set": "access:open"},
    {"verb": "GetRecord", "identifier": "oai:rdportal.example.ac.jp:1"},
    {"verb": "GetRecord", "metadataPrefix": "oai_dc"},
    {"verb": "Identify", "metadataPrefix": "oai_dc"},
    {"verb": "ListSets", "set": "funder"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-13-01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "yesterday"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2026-01-01T10:00:00+09:00"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-01-01", "until": "2026-02-01T00:00:00Z"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-01", "until": "2026-01-01"},
    {"verb": "ListRecords", "metadataPrefix": "oai_dc", "resumptionToken": "x"},
    {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "identifier": "oai:x:1"},
])
def test_bad_argument(client, demo, params):
    root = oai_get(client, **params)
    assert root.find("o:error", OAI_NS).get("code") == "badArgument"
    assert root.find("o:request", OAI_NS).attrib == {}


def test_repeated_argument_is_bad_argument(client, demo):
    response = client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=jpcoar_2.0")
    assert etree.fromstring(response.content).find("o:error", OAI_NS).get("code") == "badArgument"


def _first_token(client, verb="ListRecords"):
    root = oai_get(client, verb=verb, metadataPrefix="oai_dc")
    return root.find(f"o:{verb}/o:resumptionToken", OAI_NS).text


def test_bad_resumption_token_tampered_foreign_or_expired(client, demo, settings):
    settings.OAI_PAGE_SIZE = 2
    token = _first_token(client)
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert oai_error(client, verb="ListRecords", resumptionToken=tampered) == "badResumptionToken"
    assert oai_error(client, verb="ListRecords", resumptionToken="garbage") == "badResumptionToken"
    assert oai_error(client, verb="ListIdentifiers", resumptionToken=token) == "badResumptionToken"
    assert oai_error(client, verb="ListSets", resumptionToken=token) == "badResumptionToken"

    class DayOldSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - settings.OAI_TOKEN_TTL - 60)

    for state in ({"verb": "ListRecords"}, {"verb": "ListRecords", "args": [], "after": 0, "cursor": 0, "total": 1},
                  {"verb": "ListRecords", "args": {"set": "funder"}, "after": 0, "cursor": 0, "total": 1},
                  {"verb": "ListRecords", "args": {"metadataPrefix": "oai_dc"}, "after": "x", "cursor": 0, "total": 1}):
        signed_but_malformed = signing.dumps(state, salt=SALT, compress=True)
        assert oai_error(client, verb="ListRecords", resumptionToken=signed_but_malformed) == "badResumptionToken"
    expired = DayOldSigner(salt=SALT).sign_object(
        {"verb": "ListRecords", "args": {"metadataPrefix": "oai_dc"}, "after": 0, "cursor": 2, "total": 9},
        compress=True)
    assert oai_error(client, verb="ListRecords", resumptionToken=expired) == "badResumptionToken"


@pytest.mark.parametrize("params", [
    {"verb": "ListRecords", "metadataPrefix": "marc21"},
    {"verb": "ListIdentifiers", "metadataPrefix": "datacite"},
    {"verb": "GetRecord", "metadataPrefix": "JPCOAR_2.0", "identifier": "PUBLIC"},
])
def test_cannot_disseminate_format(client, demo, params):
    if params.get("identifier") == "PUBLIC":
        params["identifier"] = oai_identifier(_live().first().pk)
    assert oai_error(client, **params) == "cannotDisseminateFormat"


@pytest.mark.parametrize("identifier", ["oai:rdportal.example.ac.jp:999999", "oai:other.example.org:1",
                                        "1", "oai:rdportal.example.ac.jp:99999999999999999999999"])
def test_id_does_not_exist(client, demo, identifier):
    assert oai_error(client, verb="GetRecord", identifier=identifier, metadataPrefix="oai_dc") == "idDoesNotExist"
    assert oai_error(client, verb="ListMetadataFormats", identifier=identifier) == "idDoesNotExist"


@pytest.mark.parametrize("params", [
    {"from": "2999-01-01"},
    {"until": "1999-12-31T23:59:59Z"},
    {"set": "funder:NOSUCHFUNDER"},
    {"set": "nonsense"},
    {"set": "access:closed"},
])
def test_no_records_match(client, demo, params):
    assert oai_error(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **params) == "noRecordsMatch"


def test_no_metadata_formats_for_a_deleted_item(client, demo):
    for pk in _deleted():
        assert oai_error(client, verb="ListMetadataFormats", identifier=oai_identifier(pk)) == "noMetadataFormats"


def test_no_set_hierarchy_does_not_apply_because_sets_are_supported(client, demo):
    root = oai_get(client, verb="ListSets")
    assert root.find("o:error", OAI_NS) is None
    assert root.findall("o:ListSets/o:set", OAI_NS)


# --- changes during a harvest ------------------------------------------------------------------------

def test_records_added_and_changed_during_a_paged_harvest_are_neither_skipped_nor_repeated(client, demo, settings):
    settings.OAI_PAGE_SIZE = 2
    librarian = User.objects.get(email="librarian@demo.example.ac.jp")
    public = list(_live().select_related("project"))
    first_page_ids = {r.pk for r in public[:2]}
    delivered_then_withdrawn, later_withdrawn = public[0], public[-1]
    submitted = ManagedData.objects.get(status="submitted")
    added = []

    def change(page):
        if page != 1:
            return
        # a record the harvest already delivered changes: its datestamp moves past the harvest's start
        managed_data_transition(record_id=delivered_then_withdrawn.pk, action="withdraw", actor=librarian,
                                message="superseded")
        # a record the harvest has not reached yet changes
        managed_data_transition(record_id=later_withdrawn.pk, action="withdraw", actor=librarian, message="error")
        # an older record (small id, behind the harvest's position) is published
        managed_data_transition(record_id=submitted.pk, action="publish", actor=librarian)
        # new records are added
        added.extend(publish_new_record(public[1].project, librarian=librarian, data_no=f"new-{n}") for n in range(3))

    assert first_page_ids == {delivered_then_withdrawn.pk, public[1].pk}
    before = _public_ids()
    pages, started = harvest(client, verb="ListRecords", between_pages=change, metadataPrefix="oai_dc")
    delivered = sum(pages, [])
    assert len(delivered) == len(set(delivered)), "a record was delivered twice"
    assert before <= set(delivered), "a record that was public when the harvest began was skipped"
    assert {oai_identifier(r.pk) for r in added} <= set(delivered)
    # the changes behind the harvest's position come with the next incremental harvest
    incremental, _ = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": started})
    assert {oai_identifier(delivered_then_withdrawn.pk), oai_identifier(submitted.pk)} <= set(sum(incremental, []))
    # the public set now: the demo's, the record published meanwhile and the new ones (withdrawn ones stay deleted)
    assert set(delivered) | set(sum(incremental, [])) == before | identifiers([submitted.pk, *(r.pk for r in added)])


# --- queries per page --------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [3, 30])
def test_queries_per_page_do_not_grow_with_page_size(client, demo, settings, django_assert_num_queries, size):
    librarian = User.objects.get(email="librarian@demo.example.ac.jp")
    project = _live().first().project
    for n in range(60 - len(demo_harvest())):
        publish_new_record(project, librarian=librarian, data_no=f"q{n}")
    settings.OAI_PAGE_SIZE = size
    with django_assert_num_queries(2):  # count, the page (of stored renderings)
        root = oai_get(client, verb="ListRecords", metadataPrefix="jpcoar_2.0")
    token = root.find("o:ListRecords/o:resumptionToken", OAI_NS).text
    with django_assert_num_queries(1):  # the same without the count
        root = oai_get(client, verb="ListRecords", resumptionToken=token)
    assert len(root.findall("o:ListRecords/o:record", OAI_NS)) == size

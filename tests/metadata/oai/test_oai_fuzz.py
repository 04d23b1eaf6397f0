"""Acceptance 2: no request to /oai yields a 500, whatever the verb and arguments."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

pytest_plugins = ["tests.metadata.oai.fixtures"]

VERBS = ["Identify", "ListMetadataFormats", "ListSets", "GetRecord", "ListIdentifiers", "ListRecords"]
NAMES = ["verb", "metadataPrefix", "identifier", "from", "until", "set", "resumptionToken", "foo"]
VALUES = st.one_of(
    st.sampled_from([*VERBS, "oai_dc", "jpcoar_2.0", "oai_datacite", "oai:rdportal.example.ac.jp:1",
                     "oai:rdportal.example.ac.jp:99999999999999999999", "2026-01-01", "2026-01-01T00:00:00Z",
                     "9999-12-31", "0000-00-00", "funder:JST", "program:1", "program:²", "access:open", "field:189",
                     ".eJw:abc:def", ""]),
    st.text(max_size=40),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=5), post=st.booleans())
def test_no_request_to_oai_fails(client, demo, params, post):
    data = {}
    for name, value in params:
        data.setdefault(name, []).append(value)
    response = client.post("/oai", data) if post else client.get("/oai", data)
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"

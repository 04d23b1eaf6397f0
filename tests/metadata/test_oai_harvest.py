"""Acceptance 1: a real OAI-PMH client library (Sickle) harvests the demo data over HTTP in each format:
every public record once, each valid against its schema, withdrawn ones as deleted headers."""

import io

import pytest
from django.core.management import call_command
from lxml import etree
from sickle import Sickle

pytest.register_assert_rewrite("tests.metadata.oai_fixtures")
pytest_plugins = ["tests.metadata.oai_fixtures"]
from tests.metadata.oai_fixtures import assert_valid, demo_harvest, identifiers  # noqa: E402


@pytest.fixture
def live_demo(transactional_db, live_server, settings):
    call_command("load_demo", stdout=io.StringIO())
    settings.OAI_PAGE_SIZE = 3  # several pages, so that the client follows resumption tokens
    return live_server


@pytest.mark.schemas
@pytest.mark.parametrize("prefix", ["jpcoar_2.0", "oai_datacite", "oai_dc"])
def test_sickle_harvests_every_public_record_once_valid(live_demo, official_schemas, prefix):
    sickle = Sickle(f"{live_demo.url}/oai", max_retries=0)
    records = list(sickle.ListRecords(metadataPrefix=prefix, ignore_deleted=False))
    harvested = [r.header.identifier for r in records]
    expected = demo_harvest()
    assert sorted(harvested) == sorted(identifiers(expected))
    assert len(harvested) == len(set(harvested))
    for record in records:
        metadata = record.xml.find("{http://www.openarchives.org/OAI/2.0/}metadata")
        if record.header.deleted:
            assert metadata is None
            continue
        assert_valid(official_schemas[prefix], etree.fromstring(etree.tostring(metadata[0])))
    deleted = {r.header.identifier for r in records if r.header.deleted}
    assert deleted == identifiers(pk for pk, withdrawn in expected.items() if withdrawn)


def test_sickle_reads_identify_and_sets(live_demo):
    sickle = Sickle(f"{live_demo.url}/oai", max_retries=0)
    identify = sickle.Identify()
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    specs = {s.setSpec for s in sickle.ListSets()}
    assert "funder:JST" in specs
    headers = list(sickle.ListIdentifiers(metadataPrefix="oai_dc", set="access:open", ignore_deleted=False))
    assert headers and all("access:open" in h.setSpecs for h in headers)

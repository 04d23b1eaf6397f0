"""Files in every exit, by the same rule: OAI-PMH (JPCOAR, DataCite), the landing page's schema.org JSON-LD,
the API and the maDMP export. File URLs only where the viewer gets the data; sizes and formats everywhere."""

import json
import re

import pytest
from django.urls import reverse

from dmp.services import template_load_shipped
from metadata.madmp.services import madmp_export, madmp_validate
from metadata.oai.protocol import oai_identifier
from tests.dmp.factories import make_dmp
from tests.factories import make_record
from tests.metadata.conftest import client_for

pytest.register_assert_rewrite("tests.metadata.oai.fixtures", "tests.metadata.files.fixtures")
pytest_plugins = ["tests.metadata.oai.fixtures", "tests.metadata.files.fixtures"]
from tests.metadata.files.fixtures import CONTENT, add_file, record_with_file  # noqa: E402
from tests.metadata.oai.fixtures import assert_valid, oai_get  # noqa: E402

OAI = {"o": "http://www.openarchives.org/OAI/2.0/", "jpcoar": "https://github.com/JPCOAR/schema/blob/master/2.0/",
       "dc4": "http://datacite.org/schema/kernel-4"}


def jpcoar_files(client, record):
    root = oai_get(client, verb="GetRecord", identifier=oai_identifier(record.pk), metadataPrefix="jpcoar_2.0")
    jpcoar = root.find("o:GetRecord/o:record/o:metadata/jpcoar:jpcoar", OAI)
    return jpcoar, [{child.tag.split("}")[1]: child.text for child in f} for f in jpcoar.findall("jpcoar:file", OAI)]


@pytest.mark.schemas
@pytest.mark.parametrize("access, gets_url", [("open", True), ("shared", False), ("embargoed_future", False)])
def test_harvesters_get_file_uris_only_for_data_they_may_have(cast, client, official_schemas, access, gets_url):
    record, data_file = record_with_file(cast, access)
    jpcoar, files = jpcoar_files(client, record)
    expected = {"mimeType": "text/csv", "extent": f"{len(CONTENT)} bytes"}
    if gets_url:
        expected["URI"] = f"http://127.0.0.1:8000{data_file.get_absolute_url()}"
    assert files == [expected]
    assert_valid(official_schemas["jpcoar_2.0"], jpcoar)
    datacite = oai_get(client, verb="GetRecord", identifier=oai_identifier(record.pk), metadataPrefix="oai_datacite")
    resource = datacite.find(".//dc4:resource", OAI)
    assert [s.text for s in resource.findall("dc4:sizes/dc4:size", OAI)] == [f"{len(CONTENT)} bytes"]
    assert [f.text for f in resource.findall("dc4:formats/dc4:format", OAI)] == ["text/csv"]
    assert_valid(official_schemas["oai_datacite"], resource)


@pytest.mark.parametrize("role, gets_url", [("anonymous", False), ("outsider", True), ("member", False)])
def test_json_ld_and_api_give_the_download_url_only_to_viewers_with_data_access(cast, client, role, gets_url):
    record, data_file = record_with_file(cast, "shared")  # shared with the outsider
    client_for(client, cast.users[role])
    html = client.get(record.get_absolute_url()).content.decode()
    doc = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    download = [d for d in doc["distribution"] if d.get("name") == "measurements.csv"]
    assert download[0]["encodingFormat"] == "text/csv" and download[0]["contentSize"] == f"{len(CONTENT)} bytes"
    assert ("contentUrl" in download[0]) is gets_url
    assert (data_file.get_absolute_url() in html) is gets_url
    api = client.get(reverse("metadata:api-managed-data-detail", args=[record.pk])).json()
    assert [(f["name"], f["size"], f["sha256"]) for f in api["files"]] == [
        ("measurements.csv", len(CONTENT), data_file.sha256)]
    assert bool(api["files"][0]["download_url"]) is gets_url


def test_madmp_export_lists_the_files_as_distributions(db):
    template_load_shipped()
    dmp = make_dmp()
    record = make_record(project=dmp.project, status="draft")
    add_file(record, dmp.project.pi)
    export = madmp_export(dmp=dmp, viewer=dmp.project.pi)
    assert madmp_validate(export) == {}
    distributions = export["dmp"]["dataset"][0]["distribution"]
    assert {"title": "measurements.csv", "byte_size": len(CONTENT), "format": ["text/csv"]}.items() <= \
        distributions[-1].items()

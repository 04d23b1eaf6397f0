"""Fixtures shared by the OAI-PMH, format and sheet tests: the official schemas compiled once per session
(offline, as /work/shared/schemas/README.md shows), a helper to read /oai, and the demo's harvest as the
demo declares it."""

from pathlib import Path

import pytest
from django.conf import settings
from lxml import etree

from metadata import demo
from metadata.models import ManagedData
from metadata.oai.rendering import oai_identifier
from metadata.services import managed_data_create, managed_data_transition

OAI_NS = {"o": "http://www.openarchives.org/OAI/2.0/"}


def _local_schemas() -> dict[str, Path]:
    root = Path(settings.SCHEMA_DIR)
    return {
        "http://www.w3.org/2001/03/xml.xsd": root / "jpcoar-2.0/external/www.w3.org/2001/03/xml.xsd",
        "http://www.w3.org/2009/01/xml.xsd": root / "jpcoar-2.0/external/www.w3.org/2009/01/xml.xsd",
        "http://dublincore.org/schemas/xmls/simpledc20021212.xsd":
            root / "oai-pmh-2.0/external/dublincore.org/schemas/xmls/simpledc20021212.xsd",
    }


class LocalSchemaResolver(etree.Resolver):
    def resolve(self, url, pubid, context):
        local = _local_schemas()
        if url in local:
            return self.resolve_filename(str(local[url]), context)
        if url.startswith(("http://", "https://", "ftp://")):
            raise RuntimeError(f"unmapped remote schema: {url}")  # never fetch
        return None


def _parser():
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False)
    parser.resolvers.add(LocalSchemaResolver())
    return parser


def _load(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(settings.SCHEMA_DIR) / relative), _parser()))


def _driver(*imports: tuple[str, str]) -> etree.XMLSchema:
    root = Path(settings.SCHEMA_DIR)
    xs = ('<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
          + "".join(f'<xs:import namespace="{ns}" schemaLocation="{(root / p).as_uri()}"/>' for ns, p in imports)
          + "</xs:schema>")
    document = etree.fromstring(xs.encode(), _parser(), base_url=str(root / "driver.xsd"))
    return etree.XMLSchema(etree.ElementTree(document))


@pytest.fixture(scope="session")
def official_schemas():
    """{"jpcoar_2.0" | "oai_datacite" | "oai_dc": record schema, "oai:<prefix>": whole-response schema}."""
    if not Path(settings.SCHEMA_DIR).is_dir():
        pytest.skip(f"needs the official schemas in SCHEMA_DIR ({settings.SCHEMA_DIR})")
    oai = ("http://www.openarchives.org/OAI/2.0/", "oai-pmh-2.0/OAI-PMH.xsd")
    oai_id = ("http://www.openarchives.org/OAI/2.0/oai-identifier", "oai-pmh-2.0/oai-identifier.xsd")
    formats = {
        "jpcoar_2.0": ("https://github.com/JPCOAR/schema/blob/master/2.0/", "jpcoar-2.0/jpcoar_scm.xsd"),
        "oai_datacite": ("http://datacite.org/schema/kernel-4", "datacite-4/metadata.xsd"),
        "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc/", "oai-pmh-2.0/oai_dc.xsd"),
    }
    schemas = {prefix: _load(path) for prefix, (_, path) in formats.items()}
    schemas.update({f"oai:{prefix}": _driver(oai, oai_id, imp) for prefix, imp in formats.items()})
    return schemas


def assert_valid(schema: etree.XMLSchema, document) -> None:
    if isinstance(document, bytes):
        document = etree.fromstring(document)
    if not schema.validate(document):
        raise AssertionError("\n".join(str(e) for e in schema.error_log) + "\n" +
                             etree.tostring(document, pretty_print=True, encoding="unicode")[:4000])


def demo_harvest() -> dict[int, bool]:
    """{record id: deleted} of what harvesters must get from the demo, worked out from the demo's own
    declarations (`metadata.demo.RECORDS`: target state and fields) by the README's rule (OAI-PMH provider),
    not from the visibility rule's querysets: records released (published, or withdrawn: then a deleted
    header) whose metadata access right is open (the model's default when the demo names none)."""
    expected = {}
    for grant, data_no, state, fields, _people in demo.RECORDS:
        if state in ("published", "withdrawn") and fields.get("metadata_access", "open access") == "open access":
            pk = ManagedData.objects.get(project__grant_number=grant, data_no=data_no).pk
            expected[pk] = state == "withdrawn"
    return expected


def identifiers(pks) -> set[str]:
    return {oai_identifier(pk) for pk in pks}


def oai_get(client, **params) -> etree._Element:
    response = client.get("/oai", params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    return etree.fromstring(response.content)


def oai_error(client, **params) -> str:
    """The error code of an /oai response that must be an error."""
    errors = oai_get(client, **params).findall("o:error", OAI_NS)
    assert len(errors) == 1, "expected one error"
    return errors[0].get("code")


def publish_new_record(project, *, librarian, **fields) -> ManagedData:
    """A complete record created, submitted and published through the services."""
    data = {"title_en": "A new dataset", "description_en": "Made during a harvest.", "license": "CCBY",
            "access_right": "open access", "citation_en": "Someone (2026)", "hosting_institution_en": "Toto University",
            "contact_email": "rdm@demo.example.ac.jp", "data_manager_type": "organization",
            "contact_org_en": "Research Office", **fields}
    record = managed_data_create(project=project, actor=project.pi, data=data)
    managed_data_transition(record_id=record.pk, action="submit", actor=project.pi)
    return managed_data_transition(record_id=record.pk, action="publish", actor=librarian)


def harvest(client, verb="ListIdentifiers", between_pages=None, **params) -> tuple[list[list[str]], str]:
    """Follow resumption tokens to the end with the test client. Returns the identifiers page by page
    and the first page's responseDate. `between_pages(n)` runs after page n."""
    pages, token, first_date = [], None, None
    while True:
        root = oai_get(client, verb=verb, **({"resumptionToken": token} if token else params))
        first_date = first_date or root.findtext("o:responseDate", namespaces=OAI_NS)
        assert root.find("o:error", OAI_NS) is None, etree.tostring(root)
        pages.append([e.text for e in root.iter("{http://www.openarchives.org/OAI/2.0/}identifier")
                      if e.getparent().tag.endswith("header")])
        element = root.find(f"o:{verb}/o:resumptionToken", OAI_NS)
        token = element.text if element is not None else None
        if not token:
            return pages, first_date
        if between_pages:
            between_pages(len(pages))

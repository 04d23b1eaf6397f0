"""Simple Dublin Core (`oai_dc`), with the OpenAIRE conventions for access rights and embargoes
(metadata-elements.md §3.2, §4). Public API: `record_to_oai_dc(record)` → the `oai_dc:dc` element; its
links follow `record_links` (the record annotated by `with_data_access(viewer)`)."""

from lxml import etree

from ..models import RecordPerson
from ..permissions import record_links
from ..vocabularies import LICENSE_URL, AccessRight
from .common import DC, XSI, bilingual, issued, labels, people, sub

NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
SCHEMA_LOCATION = f"{NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
D = f"{{{DC}}}"
EU_ACCESS = {
    AccessRight.OPEN: "info:eu-repo/semantics/openAccess",
    AccessRight.SHARED: "info:eu-repo/semantics/restrictedAccess",
    AccessRight.CLOSED: "info:eu-repo/semantics/closedAccess",
    AccessRight.EMBARGOED: "info:eu-repo/semantics/embargoedAccess",
}


def record_to_oai_dc(record) -> etree._Element:
    root = etree.Element(f"{{{NS}}}dc", nsmap={"oai_dc": NS, "dc": DC, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    for lang, title in bilingual(record, "title"):
        sub(root, D + "title", title, lang=lang)
    for person in people(record.people.all(), RecordPerson.Kind.CREATOR):
        for lang, name in bilingual(person, "name"):
            sub(root, D + "creator", name, lang=lang)
    for lang, label in zip(("ja", "en"), labels("research_field")[record.effective_research_field], strict=True):
        sub(root, D + "subject", label, lang=lang)
    for lang, description in bilingual(record, "description"):
        sub(root, D + "description", description, lang=lang)
    for lang, name in bilingual(record, "repository_info"):
        sub(root, D + "publisher", name, lang=lang)
    for lang, name in bilingual(record.project.program.funder, "name"):
        sub(root, D + "contributor", name, lang=lang)
    if issued_on := issued(record):
        sub(root, D + "date", issued_on.isoformat())
    if record.access_right == AccessRight.EMBARGOED and record.embargo_until:
        sub(root, D + "date", f"info:eu-repo/date/embargoEnd/{record.embargo_until.isoformat()}")
    sub(root, D + "type", record.data_type)
    if record.file_size:
        sub(root, D + "format", record.file_size)
    links = record_links(record)
    if links.doi:
        sub(root, D + "identifier", links.doi_url)
    elif links.data_url:
        sub(root, D + "identifier", links.data_url)
    sub(root, D + "identifier", links.landing_url)
    if record.access_right:
        sub(root, D + "rights", EU_ACCESS[record.access_right])
    if url := LICENSE_URL.get(record.license):
        sub(root, D + "rights", url)
    for lang, citation in bilingual(record, "citation"):
        sub(root, D + "rights", citation, lang=lang)
    return root


def record_to_oai_dc_bytes(record) -> bytes:
    return etree.tostring(record_to_oai_dc(record), xml_declaration=True, encoding="UTF-8")


def record_to_oai_dc_markup(record) -> str:
    return etree.tostring(record_to_oai_dc(record), encoding="unicode")

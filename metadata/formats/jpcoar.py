"""JPCOAR schema 2.0 (metadata-elements.md §3.2, §4), elements in the schema's order.

Public API: `record_to_jpcoar_bytes(record)` gives the serialised document and `record_to_jpcoar(record)`
the `jpcoar:jpcoar` lxml element. The record should come with `project__program__funder` and `people`
loaded and be annotated by `with_data_access(viewer)` (see `metadata.oai.rendering.public_view`): a data
location that is not a DOI goes out only to a viewer who gets the data (`record_links`)."""

from lxml import etree

from ..files.selectors import record_files
from ..models import RecordPerson
from ..permissions import record_links
from ..vocabularies import ACCESS_RIGHT_URI, DATA_TYPE_URI, LICENSE_URL, AccessRight, DataManagerType
from .common import (
    DC,
    DCTERMS,
    ERAD_FUNDER_LIST,
    NISTEP_TAIKEI,
    RDF,
    XSI,
    award_url,
    bilingual,
    contact_lines,
    erad_researcher_url,
    issued,
    labels,
    people,
    person_name_parts,
    version_links,
)
from .writer import Writer

NS = "https://github.com/JPCOAR/schema/blob/master/2.0/"
DATACITE = "https://schema.datacite.org/meta/kernel-4/"
SCHEMA_LOCATION = f"{NS} https://github.com/JPCOAR/schema/blob/master/2.0/jpcoar_scm.xsd"
NSMAP = {"jpcoar": NS, "dc": DC, "dcterms": DCTERMS, "datacite": DATACITE, "rdf": RDF, "xsi": XSI}
ROOT = ("<jpcoar:jpcoar" + "".join(f' xmlns:{prefix}="{uri}"' for prefix, uri in NSMAP.items())
        + f' xsi:schemaLocation="{SCHEMA_LOCATION}">')


def _person(w: Writer, person, kind: str) -> None:
    """jpcoar:creator or jpcoar:contributor (DataManager) for one RecordPerson, names per language."""
    tag = f"jpcoar:{kind}"
    w.start(tag, {"contributorType": "DataManager"} if kind == "contributor" else None)
    if person.erad_researcher_number:
        w.element("jpcoar:nameIdentifier", person.erad_researcher_number,
                  {"nameIdentifierScheme": "e-Rad_Researcher",
                   "nameIdentifierURI": erad_researcher_url(person.erad_researcher_number)})
    if person.orcid:
        orcid = f"https://orcid.org/{person.orcid}"
        w.element("jpcoar:nameIdentifier", orcid, {"nameIdentifierScheme": "ORCID", "nameIdentifierURI": orcid})
    for lang, name in bilingual(person, "name"):
        w.element(f"{tag}Name", name, {"nameType": "Personal"} if kind == "contributor" else None, lang)
    parts = person_name_parts(person)
    for lang, family, _given in parts:
        if family:
            w.element("jpcoar:familyName", family, lang=lang)
    for lang, _family, given in parts:
        if given:
            w.element("jpcoar:givenName", given, lang=lang)
    affiliations = bilingual(person, "affiliation")
    if affiliations:
        w.start("jpcoar:affiliation")
        for lang, name in affiliations:
            w.element("jpcoar:affiliationName", name, lang=lang)
        w.end("jpcoar:affiliation")
    w.end(tag)


def record_to_jpcoar_markup(record) -> str:
    """The `jpcoar:jpcoar` element as a string (no XML declaration), ready to embed in an OAI-PMH response."""
    w = Writer()
    w.parts.append(ROOT)
    for lang, title in bilingual(record, "title"):
        w.element("dc:title", title, lang=lang)
    persons = record.people.all()
    for person in people(persons, RecordPerson.Kind.CREATOR):
        _person(w, person, "creator")
    # Contributors: hosting institution (20, 21), data manager (22, 23), contact (24–27).
    hosting = bilingual(record, "hosting_institution")
    if hosting:
        w.start("jpcoar:contributor", {"contributorType": "HostingInstitution"})
        if record.hosting_institution_ror:
            w.element("jpcoar:nameIdentifier", record.hosting_institution_ror,
                      {"nameIdentifierScheme": "ROR", "nameIdentifierURI": record.hosting_institution_ror})
        for lang, name in hosting:
            w.element("jpcoar:contributorName", name, {"nameType": "Organizational"}, lang)
        w.end("jpcoar:contributor")
    if record.data_manager_type == DataManagerType.INDIVIDUAL:
        for person in people(persons, RecordPerson.Kind.DATA_MANAGER):
            _person(w, person, "contributor")
    elif organisations := bilingual(record, "contact_org"):
        w.start("jpcoar:contributor", {"contributorType": "DataManager"})
        for lang, name in organisations:
            w.element("jpcoar:contributorName", name, {"nameType": "Organizational"}, lang)
        w.end("jpcoar:contributor")
    contacts = contact_lines(record)
    if contacts:
        w.start("jpcoar:contributor", {"contributorType": "ContactPerson"})
        for lang, line in contacts:
            w.element("jpcoar:contributorName", line, {"nameType": "Organizational"}, lang)
        w.end("jpcoar:contributor")
    # 14 and 13a–c
    if record.access_right:
        w.element("dcterms:accessRights", record.access_right, {"rdf:resource": ACCESS_RIGHT_URI[record.access_right]})
    for lang, label in zip(("ja", "en"), labels("provision_policy")[record.provision_policy], strict=True):
        w.element("dc:rights", label, lang=lang)
    if record.license:
        url = LICENSE_URL.get(record.license)
        for lang, label in zip(("ja", "en"), labels("license")[record.license], strict=True):
            w.element("dc:rights", label, {"rdf:resource": url} if url else None, lang)
    for lang, citation in bilingual(record, "citation"):
        w.element("dc:rights", citation, lang=lang)
    # 10, 9
    for lang, label in zip(("ja", "en"), labels("research_field")[record.effective_research_field], strict=True):
        w.element("jpcoar:subject", label, {"subjectScheme": "e-Rad_field"}, lang)
    for lang, description in bilingual(record, "description"):
        w.element("datacite:description", description, {"descriptionType": "Abstract"}, lang)
    # 8, 15
    if issued_on := issued(record):
        w.element("datacite:date", issued_on.isoformat(), {"dateType": "Issued"})
    if record.access_right == AccessRight.EMBARGOED and record.embargo_until:
        w.element("datacite:date", record.embargo_until.isoformat(), {"dateType": "Available"})
    # 11
    w.element("dc:type", record.data_type, {"rdf:resource": DATA_TYPE_URI[record.data_type]})
    # 17 and the landing page (jpcoar:identifier is mandatory)
    links = record_links(record)
    if links.doi:
        w.element("jpcoar:identifier", links.doi_url, {"identifierType": "DOI"})
    elif links.data_url:
        w.element("jpcoar:identifier", links.data_url, {"identifierType": "URI"})
    w.element("jpcoar:identifier", links.landing_url, {"identifierType": "URI"})
    # 6
    if record.data_no:
        w.start("jpcoar:relation", {"relationType": "isIdenticalTo"})
        w.element("jpcoar:relatedIdentifier", record.data_no, {"identifierType": "Local"})
        w.end("jpcoar:relation")
    # Versions: this one is a version of the one before; the one after is a version of this one.
    for link in version_links(record):
        w.start("jpcoar:relation", {"relationType": "hasVersion" if link.newer else "isVersionOf"})
        w.element("jpcoar:relatedIdentifier", link.url, {"identifierType": "DOI" if link.doi else "URI"})
        w.end("jpcoar:relation")
    # 1–5
    project = record.project
    program = project.program
    funder = program.funder
    w.start("jpcoar:fundingReference")
    if funder.erad_code:
        w.element("jpcoar:funderIdentifier", funder.erad_code,
                  {"funderIdentifierType": "e-Rad_funder", "funderIdentifierTypeURI": ERAD_FUNDER_LIST})
    for lang, name in bilingual(funder, "name"):
        w.element("jpcoar:funderName", name, lang=lang)
    if program.code:
        w.element("jpcoar:fundingStreamIdentifier", program.code,
                  {"fundingStreamIdentifierType": "JGN_fundingStream", "fundingStreamIdentifierTypeURI": NISTEP_TAIKEI})
    for lang, name in bilingual(program, "name"):
        w.element("jpcoar:fundingStream", name, lang=lang)
    award = award_url(project.grant_number)
    w.element("jpcoar:awardNumber", project.grant_number,
              {"awardNumberType": "JGN", **({"awardURI": award} if award else {})})
    for lang, name in bilingual(project, "name"):
        w.element("jpcoar:awardTitle", name, lang=lang)
    w.end("jpcoar:fundingReference")
    # 12 and the files themselves (their URIs only where the viewer gets the data)
    files = record_files(record)
    for file in files:
        w.start("jpcoar:file")
        if file.download_url:
            w.element("jpcoar:URI", file.download_url, {"objectType": "dataset", "label": file.name})
        w.element("jpcoar:mimeType", file.media_type)
        w.element("jpcoar:extent", file.extent)
        w.end("jpcoar:file")
    if record.file_size and not files:
        w.start("jpcoar:file")
        w.element("jpcoar:extent", record.file_size)
        w.end("jpcoar:file")
    w.end("jpcoar:jpcoar")
    return w.markup()


def record_to_jpcoar_bytes(record) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + record_to_jpcoar_markup(record).encode()


def record_to_jpcoar(record) -> etree._Element:
    return etree.fromstring(record_to_jpcoar_markup(record).encode())

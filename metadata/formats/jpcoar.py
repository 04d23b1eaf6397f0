"""JPCOAR schema 2.0 (metadata-elements.md §3.2, §4). Public API: `record_to_jpcoar(record)` gives the
`jpcoar:jpcoar` element, `record_to_jpcoar_bytes(record)` the serialised document. The record should
come with `project__program__funder` selected and `people` prefetched (see `metadata.oai.selectors`)."""

from lxml import etree

from ..models import RecordPerson
from ..vocabularies import ACCESS_RIGHT_URI, DATA_TYPE_URI, LICENSE_URL, AccessRight, DataManagerType
from .common import (
    DC,
    DCTERMS,
    ERAD_FUNDER_LIST,
    NISTEP_TAIKEI,
    RDF,
    XSI,
    bilingual,
    contact_lines,
    issued,
    labels,
    landing_url,
    new_root,
    people,
    record_doi,
    sub,
)

NS = "https://github.com/JPCOAR/schema/blob/master/2.0/"
DATACITE = "https://schema.datacite.org/meta/kernel-4/"
SCHEMA_LOCATION = f"{NS} https://github.com/JPCOAR/schema/blob/master/2.0/jpcoar_scm.xsd"
NSMAP = {"jpcoar": NS, "dc": DC, "dcterms": DCTERMS, "datacite": DATACITE, "rdf": RDF, "xsi": XSI}

J, D, T, C = f"{{{NS}}}", f"{{{DC}}}", f"{{{DCTERMS}}}", f"{{{DATACITE}}}"
RESOURCE = f"{{{RDF}}}resource"


def _person(parent, person, kind: str) -> None:
    """jpcoar:creator or jpcoar:contributor (DataManager) for one RecordPerson, names per language."""
    element = sub(parent, J + kind, attrib={"contributorType": "DataManager"} if kind == "contributor" else None)
    if person.erad_researcher_number:
        sub(element, J + "nameIdentifier", person.erad_researcher_number,
            {"nameIdentifierScheme": "e-Rad_Researcher"})
    if person.orcid:
        orcid = f"https://orcid.org/{person.orcid}"
        sub(element, J + "nameIdentifier", orcid, {"nameIdentifierScheme": "ORCID", "nameIdentifierURI": orcid})
    for lang, name in bilingual(person, "name"):
        sub(element, J + f"{kind}Name", name, {"nameType": "Personal"} if kind == "contributor" else None, lang)
    affiliations = bilingual(person, "affiliation")
    if affiliations:
        affiliation = sub(element, J + "affiliation")
        for lang, name in affiliations:
            sub(affiliation, J + "affiliationName", name, lang=lang)


def record_to_jpcoar(record, parent=None) -> etree._Element:
    """The record as a `jpcoar:jpcoar` element, built inside `parent` when one is given (an OAI-PMH
    `metadata` element: building in place is much faster than moving a tree between documents)."""
    root = new_root(parent, J + "jpcoar", NSMAP)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    for lang, title in bilingual(record, "title"):
        sub(root, D + "title", title, lang=lang)
    persons = record.people.all()
    for person in people(persons, RecordPerson.Kind.CREATOR):
        _person(root, person, "creator")
    # Contributors: hosting institution (20, 21), data manager (22, 23), contact (24–27).
    hosting = bilingual(record, "hosting_institution")
    if hosting:
        element = sub(root, J + "contributor", attrib={"contributorType": "HostingInstitution"})
        if record.hosting_institution_ror:
            sub(element, J + "nameIdentifier", record.hosting_institution_ror,
                {"nameIdentifierScheme": "ROR", "nameIdentifierURI": record.hosting_institution_ror})
        for lang, name in hosting:
            sub(element, J + "contributorName", name, {"nameType": "Organizational"}, lang)
    if record.data_manager_type == DataManagerType.INDIVIDUAL:
        for person in people(persons, RecordPerson.Kind.DATA_MANAGER):
            _person(root, person, "contributor")
    elif organisations := bilingual(record, "contact_org"):
        element = sub(root, J + "contributor", attrib={"contributorType": "DataManager"})
        for lang, name in organisations:
            sub(element, J + "contributorName", name, {"nameType": "Organizational"}, lang)
    contacts = contact_lines(record)
    if contacts:
        element = sub(root, J + "contributor", attrib={"contributorType": "ContactPerson"})
        for lang, text in contacts:
            sub(element, J + "contributorName", text, {"nameType": "Organizational"}, lang)
    # 14 and 13a–c
    if record.access_right:
        sub(root, T + "accessRights", record.access_right, {RESOURCE: ACCESS_RIGHT_URI[record.access_right]})
    for lang, label in zip(("ja", "en"), labels("provision_policy")[record.provision_policy], strict=True):
        sub(root, D + "rights", label, lang=lang)
    if record.license:
        url = LICENSE_URL.get(record.license)
        sub(root, D + "rights", labels("license")[record.license][1], {RESOURCE: url} if url else None, "en")
    for lang, citation in bilingual(record, "citation"):
        sub(root, D + "rights", citation, lang=lang)
    # 10, 9
    for lang, label in zip(("ja", "en"), labels("research_field")[record.effective_research_field], strict=True):
        sub(root, J + "subject", label, {"subjectScheme": "e-Rad_field"}, lang)
    for lang, description in bilingual(record, "description"):
        sub(root, C + "description", description, {"descriptionType": "Abstract"}, lang)
    # 8, 15
    if issued_on := issued(record):
        sub(root, C + "date", issued_on.isoformat(), {"dateType": "Issued"})
    if record.access_right == AccessRight.EMBARGOED and record.embargo_until:
        sub(root, C + "date", record.embargo_until.isoformat(), {"dateType": "Available"})
    # 11
    sub(root, D + "type", record.data_type, {RESOURCE: DATA_TYPE_URI[record.data_type]})
    # 17 and the landing page (jpcoar:identifier is mandatory)
    doi = record_doi(record)
    if doi:
        sub(root, J + "identifier", f"https://doi.org/{doi}", {"identifierType": "DOI"})
    elif record.repository_url:
        sub(root, J + "identifier", record.repository_url, {"identifierType": "URI"})
    sub(root, J + "identifier", landing_url(record), {"identifierType": "URI"})
    # 6
    if record.data_no:
        relation = sub(root, J + "relation", attrib={"relationType": "isIdenticalTo"})
        sub(relation, J + "relatedIdentifier", record.data_no, {"identifierType": "Local"})
    # 1–5
    project = record.project
    program = project.program
    funder = program.funder
    funding = sub(root, J + "fundingReference")
    if funder.erad_code:
        sub(funding, J + "funderIdentifier", funder.erad_code,
            {"funderIdentifierType": "e-Rad_funder", "funderIdentifierTypeURI": ERAD_FUNDER_LIST})
    for lang, name in bilingual(funder, "name"):
        sub(funding, J + "funderName", name, lang=lang)
    if program.code:
        sub(funding, J + "fundingStreamIdentifier", program.code,
            {"fundingStreamIdentifierType": "JGN_fundingStream", "fundingStreamIdentifierTypeURI": NISTEP_TAIKEI})
    for lang, name in bilingual(program, "name"):
        sub(funding, J + "fundingStream", name, lang=lang)
    sub(funding, J + "awardNumber", project.grant_number, {"awardNumberType": "JGN"})
    for lang, name in bilingual(project, "name"):
        sub(funding, J + "awardTitle", name, lang=lang)
    # 12
    if record.file_size:
        file = sub(root, J + "file")
        sub(file, J + "extent", record.file_size)
    return root


def record_to_jpcoar_bytes(record) -> bytes:
    return etree.tostring(record_to_jpcoar(record), xml_declaration=True, encoding="UTF-8")

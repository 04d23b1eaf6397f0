"""DataCite Metadata Schema kernel 4 (`oai_datacite`), mapped as metadata-elements.md §3.2 suggests.
Public API: `record_to_datacite(record)` → the `resource` element; its links follow `record_links` (the
record annotated by `with_data_access(viewer)`)."""

from lxml import etree

from ..files.selectors import record_files
from ..models import RecordPerson
from ..permissions import record_links
from ..vocabularies import ACCESS_RIGHT_URI, LICENSE_SPDX, LICENSE_URL, AccessRight, DataManagerType
from .common import XSI, bilingual, contact_lines, issued, labels, people, sub, version_links

NS = "http://datacite.org/schema/kernel-4"
SCHEMA_LOCATION = f"{NS} http://schema.datacite.org/meta/kernel-4/metadata.xsd"
K = f"{{{NS}}}"


def _names(parent, tag: str, names: list[tuple[str, str]], name_type: str) -> None:
    """DataCite allows one name per creator or contributor: the Japanese one, else the English one."""
    lang, name = names[0]
    sub(parent, K + tag, name, {"nameType": name_type}, lang)


def _person(parent, person, tag: str, contributor_type: str | None = None) -> None:
    names = bilingual(person, "name")
    if not names:
        return
    element = sub(parent, K + tag, attrib={"contributorType": contributor_type} if contributor_type else None)
    _names(element, f"{tag}Name", names, "Personal")
    if person.erad_researcher_number:
        sub(element, K + "nameIdentifier", person.erad_researcher_number, {"nameIdentifierScheme": "e-Rad_Researcher"})
    if person.orcid:
        sub(element, K + "nameIdentifier", f"https://orcid.org/{person.orcid}",
            {"nameIdentifierScheme": "ORCID", "schemeURI": "https://orcid.org/"})
    for lang, affiliation in bilingual(person, "affiliation")[:1]:
        sub(element, K + "affiliation", affiliation, lang=lang)


def record_to_datacite(record) -> etree._Element:
    """The `resource`. DataCite registers DOIs only: a record without one says so with DataCite's standard
    value for "to be assigned" (`:tba`) rather than offering its landing page as a "URL" identifier,
    which DataCite cannot register; the landing page is always an alternate identifier."""
    root = etree.Element(K + "resource", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    links = record_links(record)
    sub(root, K + "identifier", links.doi or ":tba", {"identifierType": "DOI"})
    hosting = bilingual(record, "hosting_institution")
    creators = sub(root, K + "creators")
    for person in people(record.people.all(), RecordPerson.Kind.CREATOR):
        _person(creators, person, "creator")
    if not len(creators):  # creators are mandatory in DataCite: fall back to the hosting institution
        creator = sub(creators, K + "creator")
        _names(creator, "creatorName", hosting or [("en", ":unav")], "Organizational")
    titles = sub(root, K + "titles")
    for lang, title in bilingual(record, "title"):
        sub(titles, K + "title", title, lang=lang)
    publishers = bilingual(record, "repository_info") or hosting or [("en", ":unav")]
    sub(root, K + "publisher", publishers[0][1], lang=publishers[0][0])
    issued_on = issued(record)
    sub(root, K + "publicationYear", str((issued_on or record.created_at).year))
    sub(root, K + "resourceType", labels("data_type")[record.data_type][1], {"resourceTypeGeneral": "Dataset"})
    subjects = sub(root, K + "subjects")
    for lang, label in zip(("ja", "en"), labels("research_field")[record.effective_research_field], strict=True):
        sub(subjects, K + "subject", label, {"subjectScheme": "e-Rad_field"}, lang)
    contributors = sub(root, K + "contributors")
    if hosting:
        element = sub(contributors, K + "contributor", attrib={"contributorType": "HostingInstitution"})
        _names(element, "contributorName", hosting, "Organizational")
        if record.hosting_institution_ror:
            sub(element, K + "nameIdentifier", record.hosting_institution_ror,
                {"nameIdentifierScheme": "ROR", "schemeURI": "https://ror.org/"})
    if record.data_manager_type == DataManagerType.INDIVIDUAL:
        for person in people(record.people.all(), RecordPerson.Kind.DATA_MANAGER):
            _person(contributors, person, "contributor", "DataManager")
    elif organisations := bilingual(record, "contact_org"):
        element = sub(contributors, K + "contributor", attrib={"contributorType": "DataManager"})
        _names(element, "contributorName", organisations, "Organizational")
    if contacts := contact_lines(record):
        element = sub(contributors, K + "contributor", attrib={"contributorType": "ContactPerson"})
        _names(element, "contributorName", contacts, "Organizational")
    dates = sub(root, K + "dates")
    if issued_on:
        sub(dates, K + "date", issued_on.isoformat(), {"dateType": "Issued"})
    if record.access_right == AccessRight.EMBARGOED and record.embargo_until:
        sub(dates, K + "date", record.embargo_until.isoformat(), {"dateType": "Available"})
    alternates = sub(root, K + "alternateIdentifiers")
    sub(alternates, K + "alternateIdentifier", links.landing_url, {"alternateIdentifierType": "URL"})
    if not links.doi and links.data_url:
        sub(alternates, K + "alternateIdentifier", links.data_url, {"alternateIdentifierType": "URL"})
    if record.data_no:
        sub(alternates, K + "alternateIdentifier", record.data_no, {"alternateIdentifierType": "Local"})
    if links_to_versions := version_links(record):
        related = sub(root, K + "relatedIdentifiers")
        for link in links_to_versions:
            sub(related, K + "relatedIdentifier", link.doi or link.url,
                {"relatedIdentifierType": link.identifier_type,
                 "relationType": "IsPreviousVersionOf" if link.newer else "IsNewVersionOf"})
    files = record_files(record)
    if files or record.file_size:
        sizes = sub(root, K + "sizes")
        for size in [file.extent for file in files] or [record.file_size]:
            sub(sizes, K + "size", size)
    if files:
        formats = sub(root, K + "formats")
        for media_type in dict.fromkeys(file.media_type for file in files):
            sub(formats, K + "format", media_type)
    rights = sub(root, K + "rightsList")
    if record.access_right:
        sub(rights, K + "rights", record.access_right, {"rightsURI": ACCESS_RIGHT_URI[record.access_right]}, "en")
    for lang, label in zip(("ja", "en"), labels("provision_policy")[record.provision_policy], strict=True):
        sub(rights, K + "rights", label, lang=lang)
    if record.license:
        attrib = {}
        if url := LICENSE_URL.get(record.license):
            attrib["rightsURI"] = url
        if spdx := LICENSE_SPDX.get(record.license):
            attrib.update(rightsIdentifier=spdx, rightsIdentifierScheme="SPDX", schemeURI="https://spdx.org/licenses/")
        sub(rights, K + "rights", labels("license")[record.license][1], attrib, "en")
    for lang, citation in bilingual(record, "citation"):
        sub(rights, K + "rights", citation, lang=lang)
    descriptions = sub(root, K + "descriptions")
    for lang, description in bilingual(record, "description"):
        sub(descriptions, K + "description", description, {"descriptionType": "Abstract"}, lang)
    _funding(root, record)
    for wrapper in root:
        if wrapper.tag in (K + "subjects", K + "contributors", K + "dates", K + "alternateIdentifiers",
                           K + "descriptions") and not len(wrapper):
            root.remove(wrapper)
    return root


def _funding(root, record) -> None:
    project = record.project
    funder = project.program.funder
    names = bilingual(funder, "name")
    if not names:
        return
    references = sub(root, K + "fundingReferences")
    reference = sub(references, K + "fundingReference")
    sub(reference, K + "funderName", names[-1][1])  # no language attribute here: prefer English
    if funder.crossref_funder_id:
        sub(reference, K + "funderIdentifier", f"https://doi.org/{funder.crossref_funder_id}",
            {"funderIdentifierType": "Crossref Funder ID"})
    elif funder.erad_code:
        sub(reference, K + "funderIdentifier", funder.erad_code, {"funderIdentifierType": "Other"})
    sub(reference, K + "awardNumber", project.grant_number)
    titles = bilingual(project, "name")
    if titles:
        lang, title = titles[-1]  # DataCite allows one award title: prefer English
        sub(reference, K + "awardTitle", title, lang=lang)


def record_to_datacite_bytes(record) -> bytes:
    return etree.tostring(record_to_datacite(record), xml_declaration=True, encoding="UTF-8")


def record_to_datacite_markup(record) -> str:
    return etree.tostring(record_to_datacite(record), encoding="unicode")

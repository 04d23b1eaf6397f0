"""How a record reads to people and to search engines: the access statement, the citation line and the
schema.org Dataset JSON-LD of its landing page. Only what the viewer may see goes in: links come from
`record_links` (the record annotated by `with_data_access(viewer)`)."""

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.i18n import pick

from .files.selectors import record_files
from .formats.common import award_url, erad_researcher_url, labels, version_links
from .models import ManagedData, RecordPerson
from .permissions import record_links
from .vocabularies import LICENSE_URL, AccessRight, Status


def creators(record: ManagedData) -> list[RecordPerson]:
    return [p for p in record.people.all() if p.kind == RecordPerson.Kind.CREATOR]


def access_statement(record: ManagedData) -> str:
    """What the visitor may do with the data, and whom to ask otherwise (`record` is annotated by
    `with_data_access`)."""
    if record.status == Status.WITHDRAWN:
        return _("This record was withdrawn; the data are no longer provided here.")
    contact = record.contact_email or record.contact_org_ja or record.contact_org_en
    if record.data_access:
        if record.access_right == AccessRight.EMBARGOED and record.embargo_active():
            return _("Embargoed until %(date)s. You can get the data now as one of the record's people or "
                     "curators.") % {"date": record.embargo_until}
        return _("You may get the data through the link below, under the license stated.")
    if record.access_right == AccessRight.EMBARGOED:
        return _("The data will be open from %(date)s.") % {"date": record.embargo_until}
    if record.access_right == AccessRight.SHARED:
        return _("The data are shared with a restricted group. To ask for access, contact the data manager: "
                 "%(contact)s.") % {"contact": contact}
    return _("The data are not provided (metadata only). For enquiries contact the data manager: %(contact)s.") % {
        "contact": contact}


def citation(record: ManagedData) -> str:
    """Creators (year). Title. Hosting institution. DOI, else the landing page (never the data location)."""
    names = "; ".join(p.name for p in creators(record)) or pick(record, "hosting_institution")
    year = (record.issued_date or (record.published_at and timezone.localtime(record.published_at).date()))
    parts = [f"{names} ({year.year})" if year else names, record.title,
             record.repository_info_en or record.repository_info_ja or record.hosting_institution_ja]
    links = record_links(record)
    link = links.doi_url or links.landing_url
    return ". ".join(p for p in parts if p) + f". {link}"


def _person_ld(person: RecordPerson) -> dict:
    ids = [f"https://orcid.org/{person.orcid}"] if person.orcid else []
    if person.erad_researcher_number:
        ids.append({"@type": "PropertyValue", "propertyID": "e-Rad", "value": person.erad_researcher_number,
                    "url": erad_researcher_url(person.erad_researcher_number)})
    doc = {"@type": "Person", "name": person.name}
    if ids:
        doc["identifier"] = ids
    if person.orcid:
        doc["sameAs"] = f"https://orcid.org/{person.orcid}"
    return doc


def _funding_ld(record: ManagedData) -> dict:
    """The grant as a schema.org MonetaryGrant: the 体系的番号 and the funder with its identifier."""
    project = record.project
    funder = project.program.funder
    funder_ids = [f"https://doi.org/10.13039/{funder.crossref_funder_id}"] if funder.crossref_funder_id else []
    funder_ids += [funder.ror] if funder.ror else []
    if funder.erad_code:
        funder_ids.append({"@type": "PropertyValue", "propertyID": "e-Rad_funder", "value": funder.erad_code})
    organisation = {"@type": "Organization", "name": funder.name}
    if funder_ids:
        organisation["identifier"] = funder_ids
    grant = {"@type": "MonetaryGrant", "identifier": project.grant_number, "name": project.name,
             "funder": organisation}
    if award := award_url(project.grant_number):
        grant["url"] = award
    return grant


def _description_ld(record: ManagedData) -> str:
    """The record's description when it has the 50–5000 characters search engines want; otherwise one
    composed from its title, kind, field, grant and institution."""
    description = record.description.strip()
    if len(description) < 50:
        index = 0 if translation.get_language() == "ja" else 1
        parts = [description, record.title, labels("data_type")[record.data_type][index],
                 labels("research_field")[record.effective_research_field][index],
                 f"{record.project.program.funder.name} {record.project.grant_number} {record.project.name}",
                 pick(record, "hosting_institution") or record.institution.name]
        description = ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."
    return description[:5000]


def json_ld(record: ManagedData) -> dict:
    """schema.org Dataset for general dataset search engines."""
    links = record_links(record)
    other = record.title_en if record.title == record.title_ja else record.title_ja
    doc = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": record.title,
        "description": _description_ld(record),
        "url": links.landing_url,
        "identifier": [links.doi_url or links.landing_url],
        "creator": [_person_ld(p) for p in creators(record)],
        "funding": [_funding_ld(record)],
        "keywords": list(dict.fromkeys([*labels("research_field")[record.effective_research_field],
                                        *labels("data_type")[record.data_type]])),
        "publisher": {"@type": "Organization", "name": record.institution.name},
        "funder": {"@type": "Organization", "name": record.project.program.funder.name},
        "isAccessibleForFree": record.provision_policy == "free",
        "conditionsOfAccess": str(record.get_access_right_display()),
        "dateModified": record.updated_at.isoformat(),
        "inLanguage": ["ja", "en"],
    }
    if other and other != record.title:
        doc["alternateName"] = other
    if record.license in LICENSE_URL:
        doc["license"] = LICENSE_URL[record.license]
    links_to_versions = version_links(record)
    if record.version > 1 or links_to_versions:
        doc["version"] = record.version
    for link in links_to_versions:  # schema.org has no "newer version": a version is based on the one before
        if not link.newer:
            doc["isBasedOn"] = {"@type": "Dataset", "@id": link.url, "url": link.url, "version": link.version}
    if record.issued_date:
        doc["datePublished"] = record.issued_date.isoformat()
    if links.data_url or (links.doi and getattr(record, "data_access", False)):  # the data, for who gets it
        doc["distribution"] = [{"@type": "DataDownload", "contentUrl": links.data_url or links.doi_url,
                                **({"encodingFormat": record.formats} if record.formats else {})}]
    for file in record_files(record):  # contentUrl only for viewers who get the data
        doc.setdefault("distribution", []).append({
            "@type": "DataDownload", "name": file.name, "encodingFormat": file.media_type,
            "contentSize": file.extent, **({"contentUrl": file.download_url} if file.download_url else {})})
    return doc


PUBLIC_ELEMENTS = [
    "data_no", "title_ja", "title_en", "issued_date", "description_ja", "description_en", "research_field",
    "data_type", "file_size", "provision_policy", "license", "citation_ja", "citation_en", "access_right",
    "embargo_until", "repository_info_ja", "repository_info_en", "hosting_institution_ja", "hosting_institution_en",
    "hosting_institution_ror", "data_manager_type", "contact_org_ja", "contact_org_en", "contact_address_ja",
    "contact_address_en", "contact_phone", "contact_email", "remarks_ja", "remarks_en",
]
INTERNAL_ELEMENTS = ["metadata_access"]


def record_elements(record: ManagedData, *, internal: bool) -> list[tuple[str, object]]:
    """(label, value) for every filled element the viewer may see, in the order of the element list.
    The data link is not here: it follows `record_links`."""
    rows = []
    for name in PUBLIC_ELEMENTS + (INTERNAL_ELEMENTS if internal else []):
        field = ManagedData._meta.get_field(name)
        value = getattr(record, name)
        if name == "research_field":
            value = dict(field.choices).get(record.effective_research_field, value)
        elif field.choices:
            value = getattr(record, f"get_{name}_display")()
        if value not in ("", None):
            rows.append((field.verbose_name, value))
    return rows

"""How a record reads to people and to search engines: the access statement, the citation line and the
schema.org Dataset JSON-LD of its landing page. Only what the viewer may see goes in."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.i18n import pick

from .models import ManagedData, RecordPerson
from .validators import doi_from
from .vocabularies import LICENSE_URL, AccessRight, Status


def landing_url(record: ManagedData) -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}{record.get_absolute_url()}"


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
    """Creators (year). Title. Hosting institution. DOI or URL."""
    names = "; ".join(p.name for p in creators(record)) or pick(record, "hosting_institution")
    year = (record.issued_date or (record.published_at and timezone.localtime(record.published_at).date()))
    parts = [f"{names} ({year.year})" if year else names, record.title,
             record.repository_info_en or record.repository_info_ja or record.hosting_institution_ja]
    link = f"https://doi.org/{record.doi}" if record.doi else landing_url(record)
    return ". ".join(p for p in parts if p) + f". {link}"


def json_ld(record: ManagedData) -> dict:
    """schema.org Dataset for general dataset search engines."""
    doc = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": record.title,
        "description": record.description or record.title,
        "url": landing_url(record),
        "identifier": [f"https://doi.org/{d}" for d in [record.doi or doi_from(record.repository_url)] if d]
        or [landing_url(record)],
        "creator": [{"@type": "Person", "name": p.name,
                     **({"sameAs": f"https://orcid.org/{p.orcid}"} if p.orcid else {})} for p in creators(record)],
        "publisher": {"@type": "Organization", "name": record.institution.name},
        "funder": {"@type": "Organization", "name": record.project.program.funder.name},
        "isAccessibleForFree": record.provision_policy == "free",
        "conditionsOfAccess": str(record.get_access_right_display()),
        "dateModified": record.updated_at.isoformat(),
        "inLanguage": ["ja", "en"],
    }
    if record.license in LICENSE_URL:
        doc["license"] = LICENSE_URL[record.license]
    if record.issued_date:
        doc["datePublished"] = record.issued_date.isoformat()
    if record.repository_url and record.data_access:
        doc["distribution"] = [{"@type": "DataDownload", "contentUrl": record.repository_url}]
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
    The data link is not here: it follows `can_access_data`."""
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

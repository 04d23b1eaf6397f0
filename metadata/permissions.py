"""Who may do what with a managed-data record. Reading is `ManagedData.objects.visible_to`; which links of a
record a viewer gets is `record_links`."""

from dataclasses import dataclass

from dmp.models import Project
from portal.models import Role
from portal.permissions import has_role

from .formats.common import landing_url
from .models import ManagedData
from .validators import doi_from

# The curation actions a record's own people never take on it (separation of duties).
CURATION = ("return", "publish", "withdraw")


def is_record_person(user, record: ManagedData) -> bool:
    return ManagedData.objects.with_person(user).filter(pk=record.pk).exists()


def can_write_project_data(user, project) -> bool:
    """The one rule for writing a project's managed data (create, change, files, submit, new versions): its
    PI and the members who may edit, on every surface (page, API, sheet import)."""
    return Project.objects.editable_by(user).filter(pk=project.pk).exists()


def can_curate_managed_data(user, record: ManagedData) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.LIBRARIAN,
                                                                    institution=record.institution_id))


def has_duty_conflict(user, record: ManagedData, action: str) -> bool:
    """Separation of duties: `action` is a curation action on a record `user` is one of the people of,
    whatever other roles they hold. Operators may still take it, and the curation event records the
    override."""
    return action in CURATION and is_record_person(user, record)


def _may_curate(user, record: ManagedData, action: str) -> bool:
    return can_curate_managed_data(user, record) and (
        user.is_superuser or not has_duty_conflict(user, record, action))


def can_return_managed_data(user, record: ManagedData) -> bool:
    return _may_curate(user, record, "return")


def can_publish_managed_data(user, record: ManagedData) -> bool:
    return _may_curate(user, record, "publish")


def can_withdraw_managed_data(user, record: ManagedData) -> bool:
    return _may_curate(user, record, "withdraw")


def can_edit_managed_data(user, record: ManagedData) -> bool:
    return record.status in ManagedData.EDITABLE and can_write_project_data(user, record.project)


def editable_record_ids(user, records) -> set[int]:
    """Which of `records` `user` may change now: `can_edit_managed_data` for many, in one query."""
    ids = [record.pk for record in records]
    return set(ManagedData.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def can_submit_managed_data(user, record: ManagedData) -> bool:
    return can_write_project_data(user, record.project)


def can_make_new_version(user, record: ManagedData) -> bool:
    """A published record changes only as a new version, started by the project's editors or its curators."""
    return record.is_published and (can_write_project_data(user, record.project)
                                    or can_curate_managed_data(user, record))


def can_create_managed_data(user, project) -> bool:
    return can_write_project_data(user, project)


ACTION_PERMISSIONS = {
    "submit": can_submit_managed_data,
    "return": can_return_managed_data,
    "publish": can_publish_managed_data,
    "withdraw": can_withdraw_managed_data,
}


# The other actions a record's page offers, each with its predicate.
PAGE_PERMISSIONS = {
    "edit": can_edit_managed_data,
    "new_version": can_make_new_version,
}


def allowed_transitions(user, record: ManagedData) -> list[str]:
    """The curation actions the state table offers now and `user` may take."""
    return [action for action in record.actions() if ACTION_PERMISSIONS[action](user, record)]


def allowed_actions(user, record: ManagedData) -> list[str]:
    """Everything `user` may do on `record` now, the transitions first: exactly the buttons its page shows."""
    return allowed_transitions(user, record) + [action for action, may in PAGE_PERMISSIONS.items()
                                                if may(user, record)]


def can_access_data(user, record: ManagedData, today=None) -> bool:
    """Whether `user` (who sees the metadata) gets the data link and files; the rule is
    `ManagedDataQuerySet.with_data_access`."""
    return ManagedData.objects.with_data_access(user, today).filter(pk=record.pk, data_access=True).exists()


@dataclass(frozen=True)
class RecordLinks:
    """The links of one record as one viewer gets them (design.md §3 at field level): a DOI is an
    identifier and goes wherever the metadata goes; any other data location (a repository URL, a download
    link, a file) goes only to viewers who get the data; the others get the portal's landing page."""

    doi: str  # bare (10.…), from the DOI element or a DOI given as the repository link; "" if none
    data_url: str  # the non-DOI data location, only for a viewer with data access; else ""
    landing_url: str
    location: str  # element 21 "repository URL / DOI link" as this viewer gets it ("" if the record has none)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def primary(self) -> str:
        """The one link an exit shows for the record."""
        return self.doi_url or self.data_url or self.landing_url


def record_links(record: ManagedData) -> RecordLinks:
    """`record` comes from `with_data_access(viewer)`; without that annotation the viewer gets no data."""
    stored = record.repository_url
    stored_doi = doi_from(stored)
    doi = doi_from(record.doi) or stored_doi or ""
    data_url = stored if stored and not stored_doi and getattr(record, "data_access", False) else ""
    landing = landing_url(record)
    if not stored or stored_doi or data_url:
        location = stored
    else:
        location = f"https://doi.org/{doi}" if doi else landing
    return RecordLinks(doi=doi, data_url=data_url, landing_url=landing, location=location)

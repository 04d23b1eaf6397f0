"""Who may do what with a managed-data record. Reading is `ManagedData.objects.visible_to`; which links of a
record a viewer gets is `record_links`."""

from dataclasses import dataclass

from dmp.models import Project
from portal.models import Role
from portal.permissions import has_role

from .formats.common import landing_url
from .models import ManagedData
from .validators import doi_from


def is_record_person(user, record: ManagedData) -> bool:
    return ManagedData.objects.with_person(user).filter(pk=record.pk).exists()


def can_curate_managed_data(user, record: ManagedData) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.LIBRARIAN,
                                                                    institution=record.institution_id))


def can_edit_managed_data(user, record: ManagedData) -> bool:
    return record.status in ManagedData.EDITABLE and is_record_person(user, record)


def editable_record_ids(user, records) -> set[int]:
    """Which of `records` `user` may change now: `can_edit_managed_data` for many, in one query."""
    ids = [record.pk for record in records]
    return set(ManagedData.objects.editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))


def can_submit_managed_data(user, record: ManagedData) -> bool:
    return is_record_person(user, record)


def can_create_managed_data(user, project) -> bool:
    return Project.objects.with_member(user).filter(pk=project.pk).exists()


ACTION_PERMISSIONS = {
    "submit": can_submit_managed_data,
    "return": can_curate_managed_data,
    "publish": can_curate_managed_data,
    "withdraw": can_curate_managed_data,
}


def can_access_data(user, record: ManagedData, today=None) -> bool:
    """Whether `user` (who sees the metadata) gets the data link and files; the rule is
    `ManagedDataQuerySet.with_data_access`."""
    return ManagedData.objects.with_data_access(user, today).filter(pk=record.pk, data_access=True).exists()


@dataclass(frozen=True)
class RecordLinks:
    """The links of one record as one viewer gets them (design.md §3 at field level): a DOI is an
    identifier and goes wherever the metadata goes; any other data location (a repository URL, a download
    link, a file) goes only to viewers who get the data; the others get the portal's landing page."""

    doi: str
    data_url: str
    landing_url: str

    @property
    def primary(self) -> str:
        """The one link an exit shows for the record."""
        return f"https://doi.org/{self.doi}" if self.doi else (self.data_url or self.landing_url)


def record_links(record: ManagedData) -> RecordLinks:
    """`record` comes from `with_data_access(viewer)`; without that annotation the viewer gets no data."""
    doi = doi_from(record.doi) or doi_from(record.repository_url) or ""
    located = record.repository_url and not doi_from(record.repository_url)
    data_url = record.repository_url if located and getattr(record, "data_access", False) else ""
    return RecordLinks(doi=doi, data_url=data_url, landing_url=landing_url(record))

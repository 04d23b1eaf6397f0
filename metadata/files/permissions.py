"""Who may do what with the files of a record. The list of files goes wherever the record's metadata goes
(`visible_to`); the bytes only to viewers with data access (`with_data_access`)."""

from metadata.models import ManagedData
from metadata.permissions import can_edit_managed_data


def can_change_files(user, record: ManagedData) -> bool:
    """Add or delete files: the project's PI and the members who may edit, while the record is a draft or
    returned (frozen once published; new files then go into a new version of the record)."""
    return can_edit_managed_data(user, record)


def can_download_files(user, record: ManagedData) -> bool:
    return (ManagedData.objects.visible_to(user).with_data_access(user)
            .filter(pk=record.pk, data_access=True).exists())

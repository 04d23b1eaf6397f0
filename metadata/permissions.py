"""Who may do what with a managed-data record. Reading is `ManagedData.objects.visible_to`."""

from dmp.models import Project
from portal.models import Role
from portal.permissions import has_role

from .models import ManagedData


def is_record_person(user, record: ManagedData) -> bool:
    return ManagedData.objects.with_person(user).filter(pk=record.pk).exists()


def can_curate_managed_data(user, record: ManagedData) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.LIBRARIAN,
                                                                    institution=record.institution_id))


def can_edit_managed_data(user, record: ManagedData) -> bool:
    return record.status in ManagedData.EDITABLE and is_record_person(user, record)


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

"""Who may do what with policies, programs and dashboards. Reading policies is
`DataPolicy.objects.visible_to`."""

from portal.models import Role
from portal.permissions import has_role

from .models import DataPolicy


def can_manage_data_policies(user, institution) -> bool:
    """Institution admins write and adopt their own institution's data policies (operators any)."""
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.INSTITUTION_ADMIN, institution=institution)
    )


def can_edit_data_policy(user, policy: DataPolicy) -> bool:
    """A draft, by its institution's admins: an adopted or superseded policy is the record of what was in force."""
    return policy.status == DataPolicy.Status.DRAFT and can_manage_data_policies(user, policy.institution_id)


def can_adopt_data_policy(user, policy: DataPolicy) -> bool:
    return can_edit_data_policy(user, policy)


# The actions a policy's page offers, each with its predicate.
ACTION_PERMISSIONS = {
    "edit": can_edit_data_policy,
    "adopt": can_adopt_data_policy,
}


def allowed_actions(user, policy: DataPolicy) -> list[str]:
    """Everything `user` may do on `policy` now: exactly the buttons its page shows."""
    return [action for action, may in ACTION_PERMISSIONS.items() if may(user, policy)]


def can_import_programs(user) -> bool:
    """Operators maintain funders' programs and their requirements."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff)


def can_view_institution_dashboard(user, institution) -> bool:
    return can_manage_data_policies(user, institution)


def can_view_funder_dashboard(user, funder) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.FUNDER_OFFICER, funder=funder))

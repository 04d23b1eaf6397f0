"""Who may do what with policies, programs and dashboards. Reading policies is
`DataPolicy.objects.visible_to`."""

from portal.models import Role
from portal.permissions import has_role


def can_manage_data_policies(user, institution) -> bool:
    """Institution admins write and adopt their own institution's data policies (operators any)."""
    return user.is_authenticated and (
        user.is_superuser or has_role(user, Role.INSTITUTION_ADMIN, institution=institution)
    )


def can_import_programs(user) -> bool:
    """Operators maintain funders' programs and their requirements."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff)


def can_view_institution_dashboard(user, institution) -> bool:
    return can_manage_data_policies(user, institution)


def can_view_funder_dashboard(user, funder) -> bool:
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.FUNDER_OFFICER, funder=funder))

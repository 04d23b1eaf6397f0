"""Role look-ups. Other apps compose their `can_*` predicates and `visible_to` rules from these."""

from django.conf import settings

from .models import INSTITUTION_ROLES, Funder, Institution, Role, RoleAssignment


def has_role(user, role, *, institution=None, funder=None) -> bool:
    """Whether `user` holds `role` at `institution` (or for `funder`); with neither given, anywhere."""
    if not user.is_authenticated:
        return False
    qs = RoleAssignment.objects.for_user(user).filter(role=role)
    if institution is not None:
        qs = qs.filter(institution=institution)
    if funder is not None:
        qs = qs.filter(funder=funder)
    return qs.exists()


def institution_ids_for(user, *roles):
    """Lazy subquery of institution ids where `user` holds any of `roles` (all institution roles if
    none are named); use it inside `filter(institution__in=...)`."""
    return RoleAssignment.objects.institution_ids(user, *(roles or INSTITUTION_ROLES))


def funder_ids_for(user):
    return RoleAssignment.objects.funder_ids(user, Role.FUNDER_OFFICER)


def can_use_own_work_areas(user, roles) -> bool:
    """Whether the navigation offers "My data" and "DMPs" to `user` holding the role codes `roles`: to people at
    an institution (any of them may lead or join a project) and to those with no role yet, not to a funder
    officer only, who reads dashboards."""
    return user.is_authenticated and (user.is_superuser or not roles or not roles.isdisjoint(INSTITUTION_ROLES))


def can_use_curation_areas(user, roles) -> bool:
    """Whether the navigation offers "Curation" and "Deposits": to librarians (and operators)."""
    return user.is_authenticated and (user.is_superuser or Role.LIBRARIAN in roles)


def can_use_review_areas(user, roles) -> bool:
    """Whether pages offer the DMP review queue: to reviewers (and operators)."""
    return user.is_authenticated and (user.is_superuser or Role.REVIEWER in roles)


def can_use_admin_site(user) -> bool:
    return user.is_active and user.is_staff


def can_manage_roles(user, institution) -> bool:
    """Institution admins assign the roles at their institution (operators anywhere)."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.INSTITUTION_ADMIN,
                                                                    institution=institution))


def can_sign_in_locally(user) -> bool:
    """E-mail and password sign-in (and its reset link): everyone, or only operators (staff) where
    LOCAL_SIGN_IN_STAFF_ONLY is set."""
    return user.is_staff or not settings.LOCAL_SIGN_IN_STAFF_ONLY


def institutions_where(user, role):
    """The institutions where `user` holds `role` (every institution for operators)."""
    if user.is_authenticated and user.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(pk__in=institution_ids_for(user, role))


def funders_where(user, role):
    """The funders for which `user` holds `role` (every funder for operators)."""
    if user.is_authenticated and user.is_superuser:
        return Funder.objects.all()
    return Funder.objects.filter(pk__in=RoleAssignment.objects.funder_ids(user, role))

from .models import Notification, RoleAssignment


def user_roles(*, user):
    """The signed-in user's role assignments with their institution or funder, for the profile and home."""
    return RoleAssignment.objects.for_user(user).select_related("institution", "department", "funder")


def institution_role_assignments(*, institution):
    return (RoleAssignment.objects.filter(institution=institution)
            .select_related("user", "department").order_by("role", "user__email"))


def notification_list(*, user):
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_notification_count(*, user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count() if user.is_authenticated else 0

from .models import RoleAssignment
from .selectors import unread_notification_count


def roles(request):
    """The signed-in user's role codes, so that the navigation shows each area to those who use it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": frozenset(RoleAssignment.objects.for_user(user).values_list("role", flat=True))}


def notifications(request):
    """How many notifications the signed-in user has not read (shown beside their name)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_notification_count(user=user) if user is not None else 0}

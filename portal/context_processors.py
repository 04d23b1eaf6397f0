from .models import RoleAssignment


def roles(request):
    """The signed-in user's role codes, so that the navigation shows each area to those who use it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_roles": frozenset()}
    return {"user_roles": frozenset(RoleAssignment.objects.for_user(user).values_list("role", flat=True))}

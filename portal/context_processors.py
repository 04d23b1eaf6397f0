from django.conf import settings
from django.templatetags.static import static

from .i18n import current_language
from .models import RoleAssignment
from .permissions import can_use_admin_site, can_use_curation_areas, can_use_own_work_areas, can_use_review_areas
from .selectors import unread_notification_count


def roles(request):
    """Which areas the navigation and the pages offer the signed-in user (from the predicates)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    codes = frozenset(RoleAssignment.objects.for_user(user).values_list("role", flat=True))
    return {"nav": {"own_work": can_use_own_work_areas(user, codes), "curation": can_use_curation_areas(user, codes),
                    "review": can_use_review_areas(user, codes), "admin": can_use_admin_site(user)}}


def notifications(request):
    """How many notifications the signed-in user has not read (shown beside their name)."""
    user = getattr(request, "user", None)
    return {"unread_notifications": unread_notification_count(user=user) if user is not None else 0}


def site(request):
    """The deployment's institution, footer links, logo and favicon (settings.PORTAL_SITE)."""
    conf = settings.PORTAL_SITE
    def asset(path):
        return path if path.startswith(("http://", "https://", "/")) else static(path)
    institution = conf["institution_ja"] if current_language() == "ja" else conf["institution_en"]
    return {"site": {**conf, "institution": institution or conf["institution_ja"] or conf["institution_en"],
                     "logo": asset(conf["logo"]), "favicon": asset(conf["favicon"])}}

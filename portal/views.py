from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import inbox
from .forms import ProfileForm
from .models import Role
from .selectors import notification_list, user_roles
from .services import notifications_mark_read, user_set_language, user_update_profile


def home(request):
    return render(request, "portal/home.html", {"roles": user_roles(user=request.user),
                                                "inbox": inbox.inbox_for(request.user)})


@login_required
def notification_list_view(request):
    page = Paginator(notification_list(user=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "portal/notification_list.html", {"page": page})


@login_required
def notification_open(request, pk):
    """Follow a notification's link, marking it read."""
    note = get_object_or_404(notification_list(user=request.user), pk=pk)
    notifications_mark_read(user=request.user, pk=note.pk)
    target = note.get_absolute_url()
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False)
    return redirect(target if safe else "portal:notifications")


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    messages.success(request, _("All notifications are marked as read."))
    return redirect("portal:notifications")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your profile was saved."))
        return redirect("portal:profile")
    return render(
        request,
        "portal/user_form.html",
        {"form": form, "roles": user_roles(user=request.user), "Role": Role},
    )


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in ("ja", "en"):
        user_set_language(user=request.user, language=language)
    return response

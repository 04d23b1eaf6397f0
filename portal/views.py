from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from .forms import ProfileForm
from .identity.services import verified_orcid
from .identity.views import identities_for_profile
from .models import Role
from .selectors import user_roles
from .services import user_set_language, user_update_profile


def home(request):
    return render(request, "portal/home.html", {"roles": user_roles(user=request.user)})


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
        {"form": form, "roles": user_roles(user=request.user), "Role": Role,
         "identities": identities_for_profile(request.user), "verified_orcid": verified_orcid(request.user)},
    )


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in ("ja", "en"):
        user_set_language(user=request.user, language=language)
    return response

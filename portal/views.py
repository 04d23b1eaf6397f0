from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from . import inbox
from .forms import ProfileForm, RoleAssignmentForm, SavedFilterForm
from .identity.selectors import identities_for, verified_orcid
from .models import Institution, Role, RoleAssignment, SavedFilter
from .pagination import paginate
from .permissions import can_manage_roles
from .selectors import institution_role_assignments, notification_list, user_roles
from .services import (
    notifications_mark_read,
    role_assignment_create,
    role_assignment_delete,
    saved_filter_delete,
    saved_filter_store,
    user_set_language,
    user_update_profile,
)


def signin_locked(request, original_response=None, credentials=None):
    """django-axes' answer once an account or a client address is locked out: the sign-in page, saying so
    and for how long (429 Too Many Requests)."""
    return render(request, "registration/login.html", {
        "form": AuthenticationForm(request), "next": request.POST.get("next", ""),
        "locked_minutes": settings.AXES_COOLOFF_MINUTES,
    }, status=429)


def transition_confirm(request, obj, action, *, confirmations, allowed_actions, refusal, action_url,
                       blockers=list, blockers_title="", subject=None, form=None, hidden=(), status=200):
    """The confirmation step of a transition of `obj` (a DMP, a record) that asks for one, 404 for any other
    `action`; when `action` cannot be done now, back to `obj` with the message `refusal`. `blockers()` lists
    what must be done first."""
    if action not in confirmations:
        raise Http404
    if action not in allowed_actions(request.user, obj):
        messages.error(request, refusal)
        return redirect(obj)
    return render(request, "portal/action_confirm.html", {
        "confirmation": confirmations[action], "subject": subject or str(obj), "back_url": obj.get_absolute_url(),
        "action_url": action_url, "hidden": hidden, "form": form,
        "button_class": "danger" if action == "withdraw" else "primary",
        "blockers": blockers(), "blockers_title": blockers_title,
    }, status=status)


def home(request):
    return render(request, "portal/home.html", {"roles": user_roles(user=request.user),
                                                "inbox": inbox.inbox_for(request.user)})


@login_required
def notification_list_view(request):
    return render(request, "portal/notification_list.html",
                  {"page": paginate(request, notification_list(user=request.user))})


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
        {"form": form, "roles": user_roles(user=request.user), "Role": Role,
         "identities": identities_for(user=request.user), "verified_orcid": verified_orcid(request.user)},
    )


@require_POST
def set_language(request):
    """Django's language switch, which also remembers the choice for a signed-in user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in ("ja", "en"):
        user_set_language(user=request.user, language=language)
    return response


@login_required
def institution_roles(request, pk: int):
    """Institution admins assign and remove the roles at their institution."""
    institution = get_object_or_404(Institution, pk=pk)
    if not can_manage_roles(request.user, institution):
        raise Http404
    form = RoleAssignmentForm(request.POST or None, institution=institution)
    if request.method == "POST" and "remove" in request.POST:
        pk_to_remove = request.POST["remove"]
        assignment = get_object_or_404(RoleAssignment, pk=int(pk_to_remove) if pk_to_remove.isdigit() else 0,
                                       institution=institution)
        try:
            role_assignment_delete(actor=request.user, assignment=assignment)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role was removed."))
        return redirect("portal:institution-roles", pk=pk)
    if request.method == "POST" and form.is_valid():
        try:
            role_assignment_create(actor=request.user, institution=institution, user=form.cleaned_data["email"],
                                   role=form.cleaned_data["role"], department=form.cleaned_data["department"])
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("The role was assigned."))
            return redirect("portal:institution-roles", pk=pk)
    return render(request, "portal/institution_roles.html", {
        "institution": institution, "form": form,
        "assignments": institution_role_assignments(institution=institution),
    })


# The page of each queue whose filters can be saved.
QUEUE_URLS = {SavedFilter.Queue.DMP_REVIEW: "dmp:dmp-review-queue",
              SavedFilter.Queue.CURATION: "metadata:curation-queue"}


@login_required
@require_POST
def saved_filter_create(request):
    """Save the queue's current filter under a name; back to the queue, showing that filter."""
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}: {error}" if field in form.fields else error)
        queue = request.POST.get("queue")
        return redirect(QUEUE_URLS.get(queue, "portal:home"))
    saved = saved_filter_store(user=request.user, **form.cleaned_data)
    messages.success(request, _("The filter was saved as “%(name)s”.") % {"name": saved.name})
    return redirect(f"{reverse(QUEUE_URLS[saved.queue])}?{saved.query}")


@login_required
@require_POST
def saved_filter_remove(request, pk):
    try:
        queue = saved_filter_delete(user=request.user, pk=pk)
    except SavedFilter.DoesNotExist:
        raise Http404 from None
    messages.success(request, _("The saved filter was deleted."))
    return redirect(QUEUE_URLS[queue])

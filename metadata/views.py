from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dmp.models import Project
from portal.i18n import current_language
from portal.pagination import paginate, query_without_page
from portal.transitions import InvalidTransition
from portal.views import transition_confirm

from .deposit.selectors import deposit_repositories_for
from .filters import ManagedDataFilter
from .forms import (
    CONFIRMATIONS,
    BulkCurationForm,
    ManagedDataForm,
    PeopleFormSet,
    TransitionForm,
    WithdrawalForm,
    people_initial,
)
from .models import ManagedData
from .permissions import (
    allowed_transitions,
    can_curate_managed_data,
    can_edit_managed_data,
    can_make_new_version,
    is_record_person,
    record_links,
)
from .presentation import access_statement, citation, json_ld, record_elements
from .selectors import managed_data_changes, managed_data_detail, managed_data_list, managed_data_versions
from .services import (
    WRITE_REFUSAL,
    managed_data_bulk_transition,
    managed_data_create,
    managed_data_edit_refusal,
    managed_data_new_version,
    managed_data_transition,
    managed_data_update,
)
from .sheet.selectors import sheet_records
from .sheet.views import export_response
from .vocabularies import Status

PAGE_SIZES = (25, 50, 100)


def _listing(request, filterset) -> dict:
    """A list page's filters, the page of their rows asked for and the query its page links carry."""
    return {"filter": filterset, "page": paginate(request, filterset.qs, sizes=PAGE_SIZES),
            "query": query_without_page(request)}


def managed_data_list_view(request):
    """Public search and browse: what the visitor may see, published records unless a state is chosen."""
    base = ManagedData.objects.visible_to(request.user).listed(request.GET.get("status"))
    filterset = ManagedDataFilter(request.GET or None, queryset=managed_data_list(base).order_by("-datestamp", "-pk"))
    return render(request, "metadata/manageddata_list.html", _listing(request, filterset))


def managed_data_export(request, file):
    """The list page's records, with its filters, as the Cabinet Office sheet (CSV with BOM or .xlsx)."""
    base = sheet_records(user=request.user).listed(request.GET.get("status"))
    records = ManagedDataFilter(request.GET or None, queryset=base).qs
    return export_response(records=records, file=file, language=current_language())


@login_required
def my_managed_data(request):
    records = managed_data_list(ManagedData.objects.with_person(request.user)).order_by("-updated_at", "-pk")
    filterset = ManagedDataFilter(request.GET or None, queryset=records)
    return render(request, "metadata/manageddata_mine.html", {
        "can_register": Project.objects.editable_by(request.user).exists(),
        **_listing(request, filterset),
    })


@login_required
def curation_queue(request):
    """Librarians: the records of their institutions (less those they are one of the people of), submitted ones
    by default (oldest first)."""
    params = request.GET.copy()
    params.setdefault("status", Status.SUBMITTED)
    params.setdefault("sort", "updated")  # oldest waiting first
    records = managed_data_list(ManagedData.objects.curatable_by(request.user)
                                .select_related("project__department", "created_by"))
    filterset = ManagedDataFilter(params, queryset=records)
    return render(request, "metadata/manageddata_queue.html", {
        **_listing(request, filterset),
        # Submitted records are published or returned as a selection, published ones deposited as one.
        "bulk_form": BulkCurationForm(records=records) if params["status"] == Status.SUBMITTED else None,
        "repositories": deposit_repositories_for(request.user) if params["status"] == Status.PUBLISHED else None,
    })


@login_required
def curation_bulk(request):
    """Publish or return the selected records with one message; says for each record what happened."""
    form = BulkCurationForm(request.POST or None, records=ManagedData.objects.curatable_by(request.user))
    if request.method != "POST" or not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("metadata:curation-queue")
    outcomes = managed_data_bulk_transition(
        record_ids=[r.pk for r in form.cleaned_data["records"]], action=form.cleaned_data["action"],
        actor=request.user, message=form.cleaned_data["message"])
    return render(request, "metadata/curation_bulk_result.html", {"outcomes": outcomes})


def managed_data_detail_view(request, pk):
    try:
        record = managed_data_detail(ManagedData.objects.visible_to(request.user).with_data_access(request.user)
                                     .with_version_neighbours(), pk)
    except ManagedData.DoesNotExist:
        raise Http404 from None
    people_view = is_record_person(request.user, record)
    curator = can_curate_managed_data(request.user, record)
    return render(request, "metadata/manageddata_detail.html", {
        "record": record,
        "data_access": record.data_access,
        "links": record_links(record),
        "access_statement": access_statement(record),
        "citation": citation(record),
        "elements": record_elements(record, internal=people_view or curator),
        "json_ld": json_ld(record),
        "can_edit": can_edit_managed_data(request.user, record),
        "can_curate": curator,
        "show_internal": people_view or curator,
        "actions": allowed_transitions(request.user, record),
        "transition_form": TransitionForm(),
        "changes": managed_data_changes(record) if (people_view or curator) else [],
        "versions": managed_data_versions(record, request.user),
        "can_make_new_version": can_make_new_version(request.user, record),
    })


@login_required
def managed_data_edit(request, pk=None):
    """Create (pk None) or edit a draft. "Save draft" keeps incomplete data; "Submit for curation" also
    lists every missing element. Nothing typed is lost on an error."""
    record = None
    if pk is not None:
        record = get_object_or_404(ManagedData.objects.visible_to(request.user), pk=pk)
        if not can_edit_managed_data(request.user, record):
            messages.error(request, managed_data_edit_refusal(record))
            return redirect(record)
    elif not Project.objects.editable_by(request.user).exists():
        messages.error(request, str(WRITE_REFUSAL))
        return redirect("metadata:managed-data-mine")
    initial = {"project": request.GET.get("project")} if record is None else None
    form = ManagedDataForm(request.POST or None, instance=record, user=request.user, initial=initial)
    people = PeopleFormSet(request.POST or None, prefix="people",
                           initial=people_initial(record) if record else None)
    if request.method == "POST":
        submitting = "submit" in request.POST
        valid = form.is_valid() & people.is_valid()
        data = {k: v for k, v in form.cleaned_data.items() if k != "project"}
        if submitting:
            form.add_completeness_errors(people)
        if valid:
            try:
                if record is None:
                    record = managed_data_create(project=form.cleaned_data["project"], actor=request.user,
                                                 data=data, people=people.rows())
                else:
                    record = managed_data_update(record_id=record.pk, actor=request.user, data=data,
                                                 people=people.rows())
            except ValidationError as error:
                form.add_error(None, error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if not submitting:
                    messages.success(request, _("Draft saved."))
                    return redirect("metadata:managed-data-edit", pk=record.pk)
                if not (form.errors or people.total_error_count()):  # complete: confirm on the next page
                    messages.success(request, _("Saved. Confirm the submission to send it to the librarians."))
                    return redirect("metadata:managed-data-transition", pk=record.pk, action="submit")
                messages.warning(request, _("Saved as a draft. Correct the marked elements to submit it."))
    return render(request, "metadata/manageddata_form.html", {
        "form": form, "people": people, "record": record,
    })


@require_POST
@login_required
def managed_data_new_version_view(request, pk):
    """Start (or continue) the next version of a published record, then edit it."""
    record = get_object_or_404(ManagedData.objects.visible_to(request.user), pk=pk)
    try:
        new = managed_data_new_version(record_id=record.pk, actor=request.user)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(record)
    messages.success(request, _("Version %(version)s is a draft: change what is new, then submit it.")
                     % {"version": new.version})
    return redirect("metadata:managed-data-edit", new.pk)


@require_http_methods(["GET", "POST"])
@login_required
def managed_data_transition_view(request, pk, action):
    """GET: the confirmation step of submit, publish and withdraw; POST: the action."""
    record = get_object_or_404(ManagedData.objects.visible_to(request.user), pk=pk)
    if request.method == "GET":
        return _transition_confirm(request, record, action)
    form = TransitionForm(request.POST)
    form.is_valid()
    try:
        managed_data_transition(record_id=record.pk, action=action, actor=request.user,
                                message=form.cleaned_data.get("message", ""))
    except InvalidTransition as error:
        messages.error(request, str(error))
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You may not do this."))
    except ValidationError as error:
        if action == "withdraw" and "message" in getattr(error, "error_dict", {}):
            withdrawal = WithdrawalForm(request.POST)
            withdrawal.add_error("message", error.error_dict["message"])
            return _transition_confirm(request, record, action, form=withdrawal, status=400)
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Done: the record is now %(state)s.") % {
            "state": ManagedData.objects.get(pk=record.pk).get_status_display()})
    return redirect(record)


def _transition_confirm(request, record, action, form=None, status=200):
    return transition_confirm(
        request, record, action, confirmations=CONFIRMATIONS, allowed_actions=allowed_transitions,
        refusal=_("This cannot be done now: the record is %(state)s, or you may not do it.") % {
            "state": record.get_status_display()},
        action_url=reverse("metadata:managed-data-transition", args=[record.pk, action]),
        form=form or (WithdrawalForm() if action == "withdraw" else None),
        blockers=lambda: [message for messages_ in record.completeness_errors().values() for message in messages_]
        if action in ("submit", "publish") else [],
        blockers_title=_("Complete the record first:"), status=status)

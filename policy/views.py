from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.dashboards.charts import dashboard_response
from portal.dashboards.filters import DashboardFilterSet
from portal.models import Institution
from portal.pagination import paginate, query_without_page

from .forms import ADOPT_CONFIRMATION, DataPolicyAdoptForm, DataPolicyForm, ProgramImportForm
from .models import DataPolicy, ProgramRequirement
from .permissions import allowed_actions, can_import_programs, can_manage_data_policies
from .selectors import (
    adopted_policy,
    institution_policies,
    institution_policy_list,
    managed_institutions,
    policy_adoption_tables,
    program_requirement_list,
    program_requirement_tables,
    requirement_fiscal_years,
)
from .services import (
    ProgramImportError,
    data_policy_adopt,
    data_policy_create,
    data_policy_update,
    program_import_csv,
)

# Public policy pages -------------------------------------------------------------------------------

def data_policy_list(request):
    filters = DashboardFilterSet(request.GET or None, fields=("kind",))
    adopted = {"yes": True, "no": False}.get(request.GET.get("adopted", ""))
    page = paginate(request, institution_policy_list(kind=filters.values()["kind"], adopted=adopted), 50)
    return render(request, "policy/datapolicy_list.html", {
        "page": page, "form": filters.form, "query": query_without_page(request), "adopted": adopted,
        "managed": managed_institutions(user=request.user)[:20] if request.user.is_authenticated else [],
    })


def data_policy_detail(request, pk):
    policy = get_object_or_404(DataPolicy.objects.visible_to(request.user).select_related("institution"), pk=pk)
    manage = can_manage_data_policies(request.user, policy.institution)
    actions = allowed_actions(request.user, policy)
    return render(request, "policy/datapolicy_detail.html", {
        "policy": policy, "can_manage": manage, "actions": actions,
        "history": policy.history.select_related("history_user") if manage else None,
        "adopt_form": DataPolicyAdoptForm(initial={"adopted_on": timezone.localdate()}) if "adopt" in actions else None,
    })


def data_policy_document(request, pk):
    """The policy's uploaded PDF, as a download, to those who may see the policy (404 to others)."""
    policy = get_object_or_404(DataPolicy.objects.visible_to(request.user).exclude(document=""), pk=pk)
    response = FileResponse(policy.document.open("rb"), as_attachment=True, content_type="application/pdf",
                            filename=f"data-policy-{policy.pk}-{policy.version}.pdf")
    response["Cache-Control"] = "private, no-cache" if policy.status == DataPolicy.Status.DRAFT else "public"
    return response


# Institution admins ------------------------------------------------------------------------------

def _managed_institution(request, institution_id) -> Institution:
    institution = get_object_or_404(Institution, pk=institution_id)
    if not can_manage_data_policies(request.user, institution):
        raise PermissionDenied
    return institution


@login_required
def institution_policy_manage(request, institution_id):
    institution = _managed_institution(request, institution_id)
    return render(request, "policy/institution_policies.html", {
        "institution": institution, "policies": institution_policies(user=request.user, institution=institution),
    })


@login_required
def data_policy_create_view(request, institution_id):
    institution = _managed_institution(request, institution_id)
    form = DataPolicyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        policy = data_policy_create(institution=institution, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("The draft policy was saved."))
        return redirect(policy)
    return render(request, "policy/datapolicy_form.html", {"form": form, "institution": institution})


@login_required
def data_policy_edit(request, pk):
    policy = get_object_or_404(DataPolicy.objects.visible_to(request.user), pk=pk)
    if not can_manage_data_policies(request.user, policy.institution_id):
        raise PermissionDenied
    form = DataPolicyForm(request.POST or None, request.FILES or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            data_policy_update(policy_id=policy.pk, actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The draft policy was saved."))
            return redirect(policy)
    return render(request, "policy/datapolicy_form.html",
                  {"form": form, "institution": policy.institution, "policy": policy})


@login_required
@require_http_methods(["GET", "POST"])
def data_policy_adopt_view(request, pk):
    """GET: the confirmation step, with the adoption date (from the detail page's form); POST: adopt."""
    policy = get_object_or_404(DataPolicy.objects.visible_to(request.user).select_related("institution"), pk=pk)
    if not can_manage_data_policies(request.user, policy.institution_id):
        raise PermissionDenied
    if policy.status != DataPolicy.Status.DRAFT:
        messages.error(request, _("This policy is %(state)s; only a draft can be adopted.") % {
            "state": policy.get_status_display()})
        return redirect(policy)
    if request.method == "GET":
        form = DataPolicyAdoptForm(initial={"adopted_on": request.GET.get("adopted_on") or timezone.localdate()})
    else:
        form = DataPolicyAdoptForm(request.POST)
        if form.is_valid():
            try:
                data_policy_adopt(policy_id=policy.pk, actor=request.user, adopted_on=form.cleaned_data["adopted_on"])
            except ValidationError as exc:
                errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
                for field, field_errors in errors.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                messages.success(request, _("The policy is adopted; the previous one is superseded."))
                return redirect(policy)
    current = adopted_policy(institution=policy.institution)
    details = [_("The policy adopted until now, “%(title)s” (version %(version)s), becomes superseded.") % {
        "title": current.title, "version": current.version} if current else
        _("%(institution)s has no adopted data policy yet.") % {"institution": policy.institution.name}]
    return render(request, "portal/action_confirm.html", {
        "confirmation": ADOPT_CONFIRMATION, "subject": f"{policy.title} ({policy.version})",
        "back_url": policy.get_absolute_url(), "details": details, "form": form,
        "action_url": reverse("policy:data-policy-adopt", args=[policy.pk]),
    }, status=400 if form.errors else 200)


# Programs ----------------------------------------------------------------------------------------

def program_list(request):
    filters = DashboardFilterSet(request.GET or None, fields=("fiscal_year", "funder"),
                                 years=requirement_fiscal_years(), fiscal_year_label=_("All years"))
    dmp_required = request.GET.get("dmp_required")
    dmp_required = dmp_required if dmp_required in ProgramRequirement.Level.values else None
    page = paginate(request, program_requirement_list(**filters.values(), dmp_required=dmp_required), 50)
    return render(request, "policy/programrequirement_list.html",
                  {"page": page, "form": filters.form, "query": query_without_page(request),
                   "can_import": can_import_programs(request.user)})


@login_required
def program_import(request):
    if not can_import_programs(request.user):
        raise PermissionDenied
    form = ProgramImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = program_import_csv(raw=form.cleaned_data["file"].read(), actor=request.user)
        except ProgramImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, _(
                "Imported %(rows)s rows: %(created)s programs created, %(updated)s updated; "
                "%(req_created)s requirements created, %(req_updated)s updated."
            ) % {"rows": result.rows, "created": result.programs_created, "updated": result.programs_updated,
                 "req_created": result.requirements_created, "req_updated": result.requirements_updated})
            return redirect("policy:program-import")
    return render(request, "policy/program_import.html", {"form": form, "errors": errors})


# Dashboards 1 and 2 ------------------------------------------------------------------------------

def policy_adoption_dashboard(request):
    filters = DashboardFilterSet(request.GET or None, fields=("fiscal_year", "kind"),
                                 years=range(2030, 2015, -1), fiscal_year_label=_("Today"))
    return dashboard_response(
        request, tables=policy_adoption_tables(**filters.values()), filename="policy-adoption",
        template="policy/dashboard_policy_adoption.html", context={"form": filters.form},
    )


def program_requirement_dashboard(request):
    filters = DashboardFilterSet(request.GET or None, fields=("fiscal_year", "funder"),
                                 years=requirement_fiscal_years())
    return dashboard_response(
        request, tables=program_requirement_tables(**filters.values()), filename="program-requirements",
        template="policy/dashboard_program_requirements.html", context={"form": filters.form},
    )

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dmp.dashboards.selectors import review_scope_of
from policy.forms import DashboardFilterForm
from policy.permissions import can_view_funder_dashboard, can_view_institution_dashboard
from policy.selectors import adopted_policy, funders_of, managed_institutions
from portal.charts import dashboard_response, fiscal_year_of
from portal.models import Funder, Institution

from .selectors import BREAKDOWNS, Scope, compliance_tables, managed_data_tables, visible_records

NATIONAL_FILTERS = ("fiscal_year", "kind", "funder")
INSTITUTION_FILTERS = ("fiscal_year", "funder")
FUNDER_FILTERS = ("fiscal_year", "kind")


def _filter_form(request, fields):
    years = range(fiscal_year_of(timezone.localdate()), 2014, -1)
    return DashboardFilterForm(request.GET or None, fields=fields, years=years, fiscal_year_label=_("All years"))


def _query(request) -> str:
    query = request.GET.copy()
    for key in ("page", "format", "table"):
        query.pop(key, None)
    return query.urlencode()


def _institution_scope(request, institution_id) -> Scope:
    institution = get_object_or_404(Institution, pk=institution_id)
    if not can_view_institution_dashboard(request.user, institution):
        raise Http404
    return Scope(institution=institution)


def _funder_scope(request, code) -> Scope:
    funder = get_object_or_404(Funder, code=code)
    if not can_view_funder_dashboard(request.user, funder):
        raise Http404
    return Scope(funder=funder)


def _managed_data(request, scope: Scope, fields, context=None):
    form = _filter_form(request, fields)
    by = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "year"
    return dashboard_response(
        request, tables=managed_data_tables(scope=scope, by=by, **form.filters()), filename="managed-data",
        template="metadata/dashboards/managed_data.html",
        context={"form": form, "by": by, "breakdowns": BREAKDOWNS, "scope": scope, **(context or {})},
    )


def _compliance(request, scope: Scope, fields):
    form = _filter_form(request, fields)
    page_number = None if request.GET.get("format") == "csv" else request.GET.get("page") or 1
    return dashboard_response(
        request, tables=compliance_tables(user=request.user, scope=scope, page_number=page_number, **form.filters()),
        filename="dmp-compliance", template="metadata/dashboards/compliance.html",
        context={"form": form, "scope": scope},
    )


def index(request):
    user = request.user
    return render(request, "metadata/dashboards/index.html", {
        "institutions": managed_institutions(user=user)[:50] if user.is_authenticated else [],
        "funders": funders_of(user=user) if user.is_authenticated else [],
        "dmp_review": review_scope_of(user=user) is not None,
    })


def managed_data_dashboard(request):
    return _managed_data(request, Scope(), NATIONAL_FILTERS)


@login_required
def compliance_dashboard(request):
    return _compliance(request, Scope(), NATIONAL_FILTERS)


@login_required
def institution_dashboard(request, institution_id):
    scope = _institution_scope(request, institution_id)
    return _managed_data(request, scope, INSTITUTION_FILTERS,
                         {"policy": adopted_policy(institution=scope.institution)})


@login_required
def institution_compliance(request, institution_id):
    return _compliance(request, _institution_scope(request, institution_id), INSTITUTION_FILTERS)


@login_required
def funder_dashboard(request, code):
    return _managed_data(request, _funder_scope(request, code), FUNDER_FILTERS)


@login_required
def funder_compliance(request, code):
    return _compliance(request, _funder_scope(request, code), FUNDER_FILTERS)


def records(request):
    """The records behind a dashboard figure, as far as the viewer may see them."""
    kind, _sep, key = request.GET.get("scope", "").partition(":")
    if kind == "institution" and key.isdigit():
        scope = _institution_scope(request, int(key))
    elif kind == "funder" and key:
        scope = _funder_scope(request, key)
    else:
        scope = Scope()
    form = _filter_form(request, NATIONAL_FILTERS)
    params = {**request.GET.dict(), **form.filters()}
    try:
        records = visible_records(user=request.user, scope=scope, params=params)
        page = Paginator(records, 25).get_page(request.GET.get("page"))
    except ValueError:
        return HttpResponseBadRequest(_("The link to these records is malformed."))
    return render(request, "metadata/dashboards/records.html",
                  {"page": page, "form": form, "scope": scope, "query": _query(request)})

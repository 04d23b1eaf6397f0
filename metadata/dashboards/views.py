from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from policy.permissions import can_view_funder_dashboard, can_view_institution_dashboard
from policy.selectors import adopted_policy
from portal.dashboards.charts import dashboard_response, table_page
from portal.dashboards.filters import DashboardFilterSet
from portal.models import Funder, Institution
from portal.pagination import paginate, query_without_page

from .filters import RecordFilterSet
from .selectors import BREAKDOWNS, Scope, compliance_tables, managed_data_tables, visible_records

NATIONAL_FILTERS = ("fiscal_year", "kind", "funder")
INSTITUTION_FILTERS = ("fiscal_year", "funder")
FUNDER_FILTERS = ("fiscal_year", "kind")


def _filters(request, fields) -> DashboardFilterSet:
    return DashboardFilterSet(request.GET or None, fields=fields, fiscal_year_label=_("All years"))


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
    filters = _filters(request, fields)
    by = request.GET.get("by") if request.GET.get("by") in BREAKDOWNS else "year"
    return dashboard_response(
        request, tables=managed_data_tables(scope=scope, by=by, **filters.values()), filename="managed-data",
        template="metadata/dashboards/managed_data.html",
        context={"form": filters.form, "by": by, "breakdowns": BREAKDOWNS, "scope": scope, **(context or {})},
    )


def _compliance(request, scope: Scope, fields):
    filters = _filters(request, fields)
    return dashboard_response(
        request, tables=compliance_tables(user=request.user, scope=scope, page_number=table_page(request),
                                          **filters.values()),
        filename="dmp-compliance", template="metadata/dashboards/compliance.html",
        context={"form": filters.form, "scope": scope},
    )


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
    filters = RecordFilterSet(request.GET or None, visible_records(user=request.user, scope=scope),
                              fiscal_year_label=_("All years"))
    try:
        page = None if filters.malformed() else paginate(request, filters.qs)
    except ValueError:  # a value or project that is no id where one is due
        page = None
    if page is None:
        return HttpResponseBadRequest(_("The link to these records is malformed."))
    return render(request, "metadata/dashboards/records.html",
                  {"page": page, "form": filters.form, "scope": scope,
                   "query": query_without_page(request, "format", "table")})

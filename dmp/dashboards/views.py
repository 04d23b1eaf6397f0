from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.dashboards.charts import dashboard_response, table_page
from portal.dashboards.filters import DashboardFilterSet
from portal.pagination import paginate, query_without_page

from ..querysets import review_scope_of
from .filters import ReviewDMPFilterSet
from .selectors import review_dmps, review_tables


def _scope(request):
    scope = review_scope_of(user=request.user)
    if scope is None:
        raise Http404
    return scope


@login_required
def review_dashboard(request):
    scope = _scope(request)
    filters = DashboardFilterSet(request.GET or None, fiscal_year_label=_("All years"))
    tables = review_tables(scope=scope, page_number=table_page(request), **filters.values())
    return dashboard_response(request, tables=tables, filename="dmp-review", template="dmp/dashboard_review.html",
                              context={"form": filters.form})


@login_required
def review_dashboard_dmps(request):
    """The DMPs behind a figure of the review dashboard, as far as the viewer may see them."""
    filters = ReviewDMPFilterSet(request.GET or None, review_dmps(user=request.user, scope=_scope(request)),
                                 fiscal_year_label=_("All years"))
    if filters.malformed():
        return HttpResponseBadRequest(_("The link to these DMPs is malformed."))
    return render(request, "dmp/dashboard_review_dmps.html",
                  {"page": paginate(request, filters.qs), "query": query_without_page(request)})

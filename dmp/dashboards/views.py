from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from policy.forms import DashboardFilterForm
from portal.charts import dashboard_response, fiscal_year_of

from .selectors import review_dmps, review_scope_of, review_tables

FILTERS = ("fiscal_year", "kind", "funder")


def _filter_form(request):
    years = range(fiscal_year_of(timezone.localdate()), 2014, -1)
    return DashboardFilterForm(request.GET or None, fields=FILTERS, years=years, fiscal_year_label=_("All years"))


def _scope(request):
    scope = review_scope_of(user=request.user)
    if scope is None:
        raise Http404
    return scope


@login_required
def review_dashboard(request):
    scope = _scope(request)
    form = _filter_form(request)
    page_number = None if request.GET.get("format") == "csv" else request.GET.get("page") or 1
    return dashboard_response(request, tables=review_tables(scope=scope, page_number=page_number, **form.filters()),
                              filename="dmp-review", template="dmp/dashboard_review.html", context={"form": form})


@login_required
def review_dashboard_dmps(request):
    """The DMPs behind a figure of the review dashboard, as far as the viewer may see them."""
    scope = _scope(request)
    form = _filter_form(request)
    try:
        dmps = review_dmps(user=request.user, scope=scope, params={**request.GET.dict(), **form.filters()})
        page = Paginator(dmps, 25).get_page(request.GET.get("page"))
    except ValueError:
        return HttpResponseBadRequest(_("The link to these DMPs is malformed."))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "dmp/dashboard_review_dmps.html", {"page": page, "query": query.urlencode()})

"""The filters the dashboards share: fiscal year, kind of institution and funder. Each dashboard names the
ones that apply to it; the same cleaned values go to the selector that computes chart, table and CSV
alike. An invalid value is dropped, and the form says why.

A drill-down page (the rows behind a figure) subclasses `DashboardFilterSet` with its model, its link
parameters and `rows_filter`, the rule by which its dashboard's figures apply the shared filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ..fiscal import current_fiscal_year
from ..models import Funder, Institution

FILTERS = ("fiscal_year", "kind", "funder")
FIRST_FISCAL_YEAR = 2015


def recent_fiscal_years() -> range:
    """The fiscal years a dashboard offers by default: this one back to the portal's first."""
    return range(current_fiscal_year(), FIRST_FISCAL_YEAR - 1, -1)


class DashboardFilterSet(django_filters.FilterSet):
    """A dashboard page reads the cleaned `values()`; a drill-down page also filters its rows (`qs`)."""

    fiscal_year = django_filters.TypedChoiceFilter(label=_("Fiscal year"), coerce=int, empty_value=None,
                                                   method="filter_shared")
    kind = django_filters.ChoiceFilter(label=_("Kind of institution"), choices=Institution.Kind.choices,
                                       empty_label=_("All kinds"), method="filter_shared")
    funder = django_filters.ModelChoiceFilter(label=_("Funder"), queryset=Funder.objects.all(), to_field_name="code",
                                              empty_label=_("All funders"), method="filter_shared")
    lenient = FILTERS  # the parameters whose invalid values are dropped; any other makes the link malformed

    def __init__(self, data=None, queryset=None, *, fields=FILTERS, years=None, fiscal_year_label=None):
        super().__init__(data, Funder.objects.none() if queryset is None else queryset)
        for name in FILTERS:
            if name not in fields:
                del self.filters[name]
        if "fiscal_year" in self.filters:
            years = recent_fiscal_years() if years is None else years
            self.filters["fiscal_year"].extra["choices"] = [
                ("", fiscal_year_label or _("Latest")), *((y, _("FY%(year)s") % {"year": y}) for y in years)]

    def values(self) -> dict:
        """The valid shared filters given (None for any not given or invalid)."""
        if not self.is_bound:
            return {name: None for name in FILTERS if name in self.filters}
        self.is_valid()
        return {name: self.form.cleaned_data.get(name) or None for name in FILTERS if name in self.filters}

    def malformed(self) -> bool:
        """Whether a link parameter a figure wrote is invalid (the link was tampered with)."""
        return any(name not in self.lenient for name in self.errors)

    def filter_shared(self, queryset, name, value):
        return self.rows_filter(queryset, **{name: value})

    @staticmethod
    def rows_filter(rows, **values):
        raise NotImplementedError("a drill-down FilterSet names its dashboard's rule")

import datetime

import django_filters
from django.utils import timezone

from portal.dashboards.filters import DashboardFilterSet

from ..models import ManagedData
from ..vocabularies import AccessRight
from .selectors import BREAKDOWNS, SLUG_ACCESS, filter_records

# The record column each breakdown's value names (`by=<breakdown>&value=<value>`).
BREAKDOWN_COLUMNS = {"year": "fiscal_year", "field": "effective_field", "funder": "funder__code",
                     "program": "program_id", "institution": "institution_id"}


class RecordFilterSet(DashboardFilterSet):
    """The records behind a figure of dashboards 3, 5 and 6: their filters, and the access right, breakdown
    value, embargo month or project the figure's link names. An unknown access right or breakdown is
    ignored; an embargo month that is no month is malformed, and so is a value or project that is no id
    where an id is due (the ORM refuses it with a ValueError)."""

    access = django_filters.ChoiceFilter(choices=[(slug, slug) for slug in SLUG_ACCESS], method="filter_access")
    by = django_filters.ChoiceFilter(choices=[(key, key) for key in BREAKDOWNS], method="filter_by")
    value = django_filters.CharFilter(method="filter_by")
    embargo_month = django_filters.DateFilter(input_formats=["%Y-%m"], method="filter_embargo_month")
    project = django_filters.CharFilter(field_name="project_id")
    lenient = (*DashboardFilterSet.lenient, "access", "by")

    class Meta:
        model = ManagedData
        fields = []

    rows_filter = staticmethod(filter_records)

    def filter_access(self, queryset, name, value):
        return queryset.filter(access_right=SLUG_ACCESS[value])

    def filter_by(self, queryset, name, value):
        """`by` and `value` together: the records of one row of a breakdown (once, on `value`)."""
        by = self.form.cleaned_data.get("by")
        if name != "value" or by not in BREAKDOWN_COLUMNS:
            return queryset
        return queryset.filter(**{BREAKDOWN_COLUMNS[by]: value})

    def filter_embargo_month(self, queryset, name, value):
        """Embargoes still running that end in the month of `value`."""
        records = queryset.filter(access_right=AccessRight.EMBARGOED, embargo_until__gt=timezone.localdate(),
                                  embargo_until__gte=value)
        if (value.year, value.month) < (datetime.MAXYEAR, 12):  # December 9999 has no next month
            records = records.filter(embargo_until__lt=(value + datetime.timedelta(days=32)).replace(day=1))
        return records

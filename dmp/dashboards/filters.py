import django_filters
from django.core.validators import RegexValidator
from django.utils import timezone

from portal.dashboards.filters import DashboardFilterSet

from ..models import DMP, DMPStatus
from .selectors import AGE_KEYS, NO_DEPARTMENT, age_condition, review_filters


class ReviewDMPFilterSet(DashboardFilterSet):
    """The DMPs behind a figure of dashboard 4: its filters, and the state, backlog age or department the
    figure's link names. An unknown state or age is ignored; a department that is no id is malformed."""

    state = django_filters.ChoiceFilter(choices=DMPStatus.choices, field_name="status")
    age = django_filters.ChoiceFilter(choices=[(key, key) for key in AGE_KEYS], method="filter_age")
    department = django_filters.CharFilter(method="filter_department",
                                           validators=[RegexValidator(rf"^({NO_DEPARTMENT}|[0-9]+)\Z")])
    lenient = (*DashboardFilterSet.lenient, "state", "age")

    class Meta:
        model = DMP
        fields = []

    @staticmethod
    def rows_filter(rows, **values):
        return rows.filter(review_filters(**values))

    def filter_age(self, queryset, name, value):
        return queryset.filter(age_condition(value, timezone.now()))

    def filter_department(self, queryset, name, value):
        if value == NO_DEPARTMENT:
            return queryset.filter(department__isnull=True)
        return queryset.filter(department_id=value)

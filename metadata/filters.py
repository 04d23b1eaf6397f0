import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dmp.models import ResearchField
from policy.models import FundingProgram
from portal.models import Department, Funder, Institution

from .selectors import managed_data_search
from .vocabularies import PROJECT_FIELD, AccessRight, DataType, Status


class ManagedDataFilter(django_filters.FilterSet):
    """Filters of the list page, the curation queue, the API and the exports (always applied on top of
    `visible_to`)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search title and description"))
    institution = django_filters.ModelChoiceFilter(queryset=Institution.objects.all(), label=_("Institution"))
    department = django_filters.ModelChoiceFilter(field_name="project__department", label=_("Department"),
                                                  queryset=Department.objects.all())
    funder = django_filters.ModelChoiceFilter(field_name="project__program__funder", label=_("Funder"),
                                              queryset=Funder.objects.all())
    program = django_filters.ModelChoiceFilter(field_name="project__program", label=_("Funding program"),
                                               queryset=FundingProgram.objects.select_related("funder"))
    access_right = django_filters.ChoiceFilter(choices=AccessRight.choices, label=_("Access rights"))
    research_field = django_filters.ChoiceFilter(choices=ResearchField.choices, method="filter_research_field",
                                                 label=_("Research field"))
    data_type = django_filters.ChoiceFilter(choices=DataType.choices, label=_("Data type"))
    status = django_filters.ChoiceFilter(choices=Status.choices, label=_("Status"))
    year = django_filters.NumberFilter(field_name="issued_date", lookup_expr="year", label=_("Year issued"))
    waiting_days = django_filters.NumberFilter(method="filter_waiting_days", label=_("Unchanged for at least (days)"),
                                               min_value=0)
    sort = django_filters.OrderingFilter(
        fields=(("updated_at", "updated"), ("title_ja", "title"), ("issued_date", "issued")),
        field_labels={"updated_at": _("Last changed"), "-updated": _("Last changed, newest first"),
                      "title_ja": pgettext_lazy("managed data", "Title"),
                      "-title": pgettext_lazy("managed data", "Title, Z to A"),
                      "issued_date": _("Date issued"), "-issued": _("Date issued, newest first")},
        label=_("Sort by"),
    )

    class Meta:
        fields = ["q", "institution", "department", "funder", "program", "access_right", "research_field",
                  "data_type", "status", "year", "waiting_days"]

    def filter_q(self, queryset, name, value):
        return managed_data_search(queryset, value)

    def filter_waiting_days(self, queryset, name, value):
        return queryset.filter(updated_at__lte=timezone.now() - datetime.timedelta(days=int(value)))

    def filter_research_field(self, queryset, name, value):
        return queryset.filter(Q(research_field=value) | Q(research_field=PROJECT_FIELD, project__research_field=value))

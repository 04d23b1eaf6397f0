import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from policy.models import FundingProgram
from portal.models import Department
from portal.validators import normalize_identifier

from .models import DMP, DMPStatus

MAX_WAITING_DAYS = 36500  # a century: further back than any DMP, and still a date


class DMPFilter(django_filters.FilterSet):
    """Filters of the DMP list, the review queue and the API, applied on top of `visible_to`."""

    status = django_filters.ChoiceFilter(label=_("State"), choices=DMPStatus.choices)
    program = django_filters.ModelChoiceFilter(label=_("Program"), field_name="project__program",
                                               queryset=FundingProgram.objects.select_related("funder"))
    department = django_filters.ModelChoiceFilter(label=_("Department"), field_name="project__department",
                                                  queryset=Department.objects.all())
    waiting_days = django_filters.NumberFilter(label=_("Waiting at least (days)"), method="filter_waiting",
                                               min_value=0, max_value=MAX_WAITING_DAYS, decimal_places=0)
    grant_number = django_filters.CharFilter(label=_("Japan Grant Number"), method="filter_grant_number")

    class Meta:
        model = DMP
        fields = ["status", "program", "department", "waiting_days", "grant_number"]

    def filter_grant_number(self, queryset, name, value):
        """Part of the number, in either width: ｍｊｃｒ２４ finds JPMJCR24W9."""
        return queryset.filter(project__grant_number__icontains=normalize_identifier(value))

    def filter_waiting(self, queryset, name, value):
        """Submitted (awaiting review) for at least `value` days."""
        since = timezone.now() - datetime.timedelta(days=int(value))
        return queryset.filter(status=DMPStatus.SUBMITTED, submitted_at__lte=since)

import datetime

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import DepositJob, Repository

AGES = (("1", _("the last day")), ("7", _("the last week")), ("30", _("the last 30 days")),
        ("older", _("more than 30 days ago")))


class DepositJobFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=DepositJob.State.choices, label=_("State"))
    repository = django_filters.ModelChoiceFilter(queryset=Repository.objects.none(), label=_("Repository"))
    age = django_filters.ChoiceFilter(choices=AGES, method="filter_age", label=_("Created in"))

    class Meta:
        model = DepositJob
        fields = ["state", "repository", "age"]

    def __init__(self, *args, repositories, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["repository"].queryset = repositories

    def filter_age(self, queryset, name, value):
        since = timezone.now() - datetime.timedelta(days=30 if value == "older" else int(value))
        return queryset.filter(created_at__lt=since) if value == "older" else queryset.filter(created_at__gte=since)

from django import template

from metadata.deposit.forms import DepositForm
from metadata.deposit.models import DepositJob
from metadata.deposit.permissions import can_choose_primary_copy, can_deposit_managed_data
from metadata.deposit.selectors import record_copies
from metadata.permissions import can_curate_managed_data

register = template.Library()


@register.inclusion_tag("deposit/_record_deposit_panel.html", takes_context=True)
def record_deposit_panel(context, record):
    """The deposits of a record and, for its curators, the form to deposit it (nothing for anyone else)."""
    user = context["request"].user
    if not can_curate_managed_data(user, record):
        return {"show": False}
    form = DepositForm(institution_id=record.institution_id) if can_deposit_managed_data(user, record) else None
    return {
        "show": True, "record": record, "csrf_token": context.get("csrf_token"),
        "jobs": DepositJob.objects.filter(record=record).select_related("repository"),
        "form": form if form and form.fields["repository"].queryset.exists() else None,
    }


@register.inclusion_tag("deposit/_record_copies.html", takes_context=True)
def record_copies_panel(context, record):
    """The record's copies in repositories, for everyone who sees the record (the landing page of a copy
    only to those who get the data, as `record_links` decides); its curators choose the primary one."""
    return {"copies": record_copies(record), "csrf_token": context.get("csrf_token"),
            "can_choose": can_choose_primary_copy(context["request"].user, record)}

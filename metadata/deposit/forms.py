from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Repository


class DepositForm(forms.Form):
    """Deposit one record: choose among the repositories of its institution."""

    repository = forms.ModelChoiceField(queryset=Repository.objects.none(), label=_("Repository"),
                                        error_messages={"invalid_choice": _("Choose one of the listed repositories.")})

    def __init__(self, *args, institution_id, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["repository"].queryset = Repository.objects.for_institution(institution_id)


class BulkDepositForm(forms.Form):
    """Deposit a selection of published records into one repository."""

    records = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Records"),
        error_messages={"required": _("Select at least one record."),
                        "invalid_choice": _("One of the selected records cannot be deposited by you.")})
    repository = forms.ModelChoiceField(queryset=None, label=_("Repository"),
                                        error_messages={"invalid_choice": _("Choose one of the listed repositories.")})

    def __init__(self, *args, records, repositories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records
        self.fields["repository"].queryset = repositories

    def clean(self):
        data = super().clean()
        repository, records = data.get("repository"), data.get("records")
        if repository and records:
            others = [r for r in records if r.institution_id != repository.institution_id]
            if others:
                self.add_error("records", _("%(count)s selected record(s) belong to another institution than "
                                            "“%(repository)s”; deposit them into one of their own institution's "
                                            "repositories.") % {"count": len(others), "repository": repository})
        return data

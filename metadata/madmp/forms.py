"""The maDMP upload form."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from dmp.models import ResearchField
from policy.models import FundingProgram

from .services import madmp_parse


class MadmpUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("maDMP JSON file"))
    program = forms.ModelChoiceField(label=gettext_lazy("Funding program"),
                                     queryset=FundingProgram.objects.select_related("funder"))
    grant_number = forms.CharField(label=gettext_lazy("Japan Grant Number"), required=False, max_length=40,
                                   help_text=gettext_lazy("Only if the file has no Japan Grant Number (体系的番号)."))
    research_field = forms.ChoiceField(label=gettext_lazy("Project research field"),
                                       choices=[("", "---------"), *ResearchField.choices], required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return madmp_parse(upload.read(settings.MADMP_MAX_BYTES + 1))
        except ValidationError as error:
            raise ValidationError(error.message_dict["$"]) from None


def validation_messages(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"$": error.messages}

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from portal.forms import Confirmation

from .models import DataPolicy

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


class StoredDocument(str):
    """The stored document as the file input shows it: its name, linked to the download view (the private
    storage has no public URL)."""

    url = ""


class PolicyDocumentInput(forms.ClearableFileInput):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            stored = StoredDocument(value.name.rsplit("/", 1)[-1])
            stored.url = value.instance.document_link
            context["widget"]["value"] = stored
        return context


class DataPolicyForm(forms.ModelForm):
    document_url = forms.URLField(label=_("document URL"), required=False, assume_scheme="https", max_length=200)
    error_messages = {
        "too_large": _("The document is larger than 20 MB."),
        "no_title": _("Give the title in Japanese or in English."),
    }

    class Meta:
        model = DataPolicy
        fields = ["title_ja", "title_en", "version", "document", "document_url", "summary_ja", "summary_en"]
        widgets = {"document": PolicyDocumentInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title_ja"].required = False
        self.fields["document"].widget.attrs["accept"] = "application/pdf,.pdf"

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if document and document.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return document

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("title_ja") or cleaned.get("title_en")):
            self.add_error("title_ja", forms.ValidationError(self.error_messages["no_title"], code="no_title"))
        return cleaned


ADOPT_CONFIRMATION = Confirmation(
    _("Adopt this data policy?"),
    _("From the adoption date below, this policy is the institution's data policy: the public list of policies "
      "and the dashboards show it as adopted, and it can no longer be edited."),
    _("Adopt"))


class DataPolicyAdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label=_("adopted on"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the institution adopted the policy."),
    )


class ProgramImportForm(forms.Form):
    error_messages = {"too_large": _("The file is larger than 5 MB.")}

    file = forms.FileField(
        label=_("CSV file"), validators=[FileExtensionValidator(["csv"])],
        help_text=_("UTF-8 or Shift_JIS, one row per program and fiscal year."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(self.error_messages["too_large"], code="too_large")
        return upload

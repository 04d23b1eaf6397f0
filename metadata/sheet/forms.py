from django import forms
from django.utils.translation import gettext_lazy as _

from dmp.models import Project

from ..vocabularies import Status
from .selectors import sheet_records


class SheetExportForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False,
                                     empty_label=_("All projects"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False)
    file = forms.ChoiceField(label=_("File type"), choices=[("xlsx", _("Excel (.xlsx)")),
                                                            ("csv", _("CSV (UTF-8 with BOM)"))], initial="xlsx")
    layout = forms.ChoiceField(
        label=_("Layout"), required=False, initial="official",
        choices=[("official", _("Official sheet (30 columns)")),
                 ("portal", _("Portal layout (both languages and the portal's own elements)"))],
        help_text=_("The official Excel file holds the Japanese and the English sheet; a CSV file holds one, in "
                    "the language chosen below."))
    language = forms.ChoiceField(label=_("Language of a CSV file"), required=False,
                                 choices=[("ja", "日本語"), ("en", "English")])

    def __init__(self, *args, user, language: str = "ja", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["language"].initial = language
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("grant_number")

    def records(self):
        project = self.cleaned_data["project"]
        return sheet_records(user=self.user, project_id=project.pk if project else None,
                             status=self.cleaned_data["status"] or None)


class SheetImportForm(forms.Form):
    upload = forms.FileField(label=_("Sheet file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Dry run: only show what would change"), required=False, initial=True)
    as_drafts = forms.BooleanField(label=_("Import as drafts: new and changed rows may be incomplete"),
                                   required=False, initial=False)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."), code="file_type")
        return upload

from django import forms
from django.utils.translation import gettext_lazy as _

from dmp.models import Project

from ..vocabularies import Status


class SheetExportForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False,
                                     empty_label=_("All projects"))
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any status")), *Status.choices], required=False)
    file = forms.ChoiceField(label=_("File type"), choices=[("xlsx", _("Excel (.xlsx)")),
                                                            ("csv", _("CSV (UTF-8 with BOM)"))], initial="xlsx")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.visible_to(user).order_by("grant_number")


class SheetImportForm(forms.Form):
    upload = forms.FileField(label=_("Sheet file (.xlsx or .csv)"))
    dry_run = forms.BooleanField(label=_("Dry run: only show what would change"), required=False, initial=True)

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."), code="file_type")
        return upload

from django import forms
from django.utils.translation import gettext_lazy as _

from dmp.models import Project
from portal.forms import Confirmation
from portal.validators import normalize_orcid

from .models import ManagedData, RecordPerson
from .services import DMP_ELEMENTS, EDITABLE_FIELDS
from .validators import normalize_repository_url

# Fieldsets in the order of the common metadata elements (metadata-elements.md §3.1).
FIELDSETS = [
    (_("Data"), ["data_no", "title_ja", "title_en", "issued_date", "description_ja", "description_en",
                 "research_field", "data_type", "file_size"]),
    (_("Use and access"), ["provision_policy", "license", "citation_ja", "citation_en", "access_right",
                           "embargo_until", "metadata_access"]),
    (_("Repository"), ["repository_info_ja", "repository_info_en", "repository_url"]),
    (_("Hosting institution"), ["hosting_institution_ja", "hosting_institution_en", "hosting_institution_ror"]),
    (_("Data manager and contact"), ["data_manager_type", "contact_org_ja", "contact_org_en", "contact_address_ja",
                                     "contact_address_en", "contact_phone", "contact_email"]),
    (_("Remarks"), ["remarks_ja", "remarks_en"]),
]

HELP_TEXTS = {
    "data_no": _("The item's number in the DMP's data list, unique within the project (データNo.)."),
    "title_ja": _("The name of the data (データの名称). Give it in Japanese, English or both."),
    "title_en": _("The name of the data in English."),
    "issued_date": _("When the data were first published or last updated (掲載日・掲載更新日)."),
    "description_ja": _("What the data are, how they were made, what they can be used for (データの説明)."),
    "description_en": _("The description in English."),
    "research_field": _("e-Rad research field; by default the project's field (データの分野)."),
    "data_type": _("The kind of data (データ種別)."),
    "file_size": _("Approximate size, e.g. 852.95KB, <10GB, 100-200MB (概略データ量)."),
    "provision_policy": _("Whether the data are provided free of charge (有償/無償)."),
    "license": _("The license under which others may use the data (ライセンス)."),
    "citation_ja": _("How to cite the data, or conditions of use (引用方法等)."),
    "citation_en": _("Citation information in English."),
    "access_right": _("Open, shared within a group, closed (metadata only) or embargoed until a date (アクセス権)."),
    "embargo_until": _("Required when the access rights are embargoed: the date the data become open (公開予定日)."),
    "metadata_access": _("Who may see this metadata record itself. Only open metadata is harvested nationally."),
    "repository_info_ja": _("Name of the repository that holds the data (リポジトリ情報)."),
    "repository_info_en": _("Repository name in English."),
    "repository_url": _("The data's web address or DOI, e.g. 10.1234/abcd (リポジトリURL・DOIリンク)."),
    "hosting_institution_ja": _("The institution that manages the data (データ管理機関)."),
    "hosting_institution_en": _("The hosting institution in English."),
    "hosting_institution_ror": _("ROR ID of the hosting institution, e.g. https://ror.org/04ksd4g47."),
    "data_manager_type": _("Whether the data manager is a person or an organization (データ管理者の種類)."),
    "contact_org_ja": _("Organization to contact about the data (データ管理者の所属組織名)."),
    "contact_org_en": _("The contact organization in English."),
    "contact_address_ja": _("Postal address of the contact (連絡先住所)."),
    "contact_address_en": _("The contact address in English."),
    "contact_phone": _("Phone number of the contact (連絡先電話番号)."),
    "contact_email": _("E-mail of the contact (連絡先メールアドレス). Give it, or organization, address and phone."),
    "remarks_ja": _("Anything else the curators or users should know (備考)."),
    "remarks_en": _("Remarks in English."),
}


class ManagedDataForm(forms.ModelForm):
    project = forms.ModelChoiceField(queryset=Project.objects.none(), label=_("Project"),
                                     help_text=_("The funded project (体系的番号) the data belong to."))

    class Meta:
        model = ManagedData
        fields = [f for f in EDITABLE_FIELDS if f not in DMP_ELEMENTS]
        help_texts = HELP_TEXTS
        widgets = {
            "issued_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "embargo_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description_ja": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
            "citation_ja": forms.Textarea(attrs={"rows": 2}),
            "citation_en": forms.Textarea(attrs={"rows": 2}),
            "remarks_ja": forms.Textarea(attrs={"rows": 2}),
            "remarks_en": forms.Textarea(attrs={"rows": 2}),
            "contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["project"]
        else:
            self.fields["project"].queryset = Project.objects.editable_by(user).select_related("program")

    def fieldsets(self):
        return [(legend, [self[name] for name in names]) for legend, names in FIELDSETS]

    def clean_repository_url(self):
        value = self.cleaned_data["repository_url"].strip()
        return normalize_repository_url(value) if value else ""

    def clean(self):
        data = super().clean()
        project = data.get("project") or (self.instance.project if self.instance.pk else None)
        data_no = (data.get("data_no") or "").strip()
        if project and data_no:
            taken = ManagedData.objects.filter(project=project, data_no=data_no).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("data_no", _("This data No. is already used in the project."))
        return data

    def add_completeness_errors(self, people: "BasePeopleFormSet") -> None:
        """Show every missing element at once, next to its field (fields that already have an error keep
        it); what concerns the creators and data managers goes to their rows' formset."""
        for field, messages in self.instance.completeness_errors(people=people.unsaved_people()).items():
            if field == "people":
                people.non_form_errors().extend(messages)
            elif field not in self.errors:
                for message in messages:
                    self.add_error(field, message)


class PersonForm(forms.ModelForm):
    orcid = forms.CharField(label=_("ORCID iD"), max_length=60, required=False)

    class Meta:
        model = RecordPerson
        fields = ["kind", "name_ja", "name_en", "erad_researcher_number", "orcid", "affiliation_ja",
                  "affiliation_en"]
        labels = {"erad_researcher_number": _("e-Rad researcher number")}

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        return normalize_orcid(value) if value else ""


class BasePeopleFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The filled, valid rows as dicts for the service, in order (empty extra rows are skipped)."""
        return [{k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
                for form in self.forms
                if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")]

    def unsaved_people(self) -> list[RecordPerson]:
        return [RecordPerson(**row) for row in self.rows()]


PeopleFormSet = forms.formset_factory(PersonForm, formset=BasePeopleFormSet, extra=2, can_delete=True, max_num=50)


class TransitionForm(forms.Form):
    message = forms.CharField(label=_("Message to the researcher"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawalForm(forms.Form):
    message = forms.CharField(label=_("Reason for withdrawal (required)"), widget=forms.Textarea(attrs={"rows": 3}))


# The record actions a page asks to confirm, with what they do in plain words. Returning a record needs a
# comment, which is its confirmation.
CONFIRMATIONS = {
    "submit": Confirmation(
        _("Submit this record for curation?"),
        _("The record goes to your institution's librarians, who are notified. They check it and publish it or "
          "return it to you with a comment; you cannot edit it meanwhile."),
        _("Submit for curation")),
    "publish": Confirmation(
        _("Publish this record?"),
        _("Its metadata becomes visible as its metadata access allows, and open metadata is harvested over "
          "OAI-PMH (for example by CiNii Research). The data follow the record's access rights. The researchers "
          "are notified; later changes need a new version."),
        _("Publish")),
    "withdraw": Confirmation(
        _("Withdraw this record?"),
        _("The record leaves the public list and harvesters are told it was deleted; its page remains with your "
          "reason. The researchers are notified. This cannot be undone."),
        _("Withdraw")),
}


class BulkCurationForm(TransitionForm):
    """One curation action, with one message, for the records selected in the curation queue."""

    action = forms.ChoiceField(label=_("Action for the selected records"), choices=[
        ("publish", _("Publish")), ("return", _("Return to the researcher"))])
    records = forms.ModelMultipleChoiceField(queryset=ManagedData.objects.none(), error_messages={
        "required": _("Select at least one record.")})

    def __init__(self, *args, records, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["records"].queryset = records


def people_initial(record: ManagedData) -> list[dict]:
    return [
        {f: getattr(p, f) for f in PersonForm.Meta.fields}
        for p in record.people.all()
    ]

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.forms import Confirmation
from portal.models import Institution, User

from .models import Project, ProjectMember, QuestionType
from .permissions import project_institution_ids
from .validators import clean_answer, is_answered_by_project


class ProjectForm(forms.ModelForm):
    """The project block of a new DMP: the PI is the signed-in user."""

    class Meta:
        model = Project
        fields = ["institution", "department", "grant_number", "name_ja", "name_en", "program", "research_field",
                  "start_date", "end_date"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the institution (and the PI) of an existing project stay
            del self.fields["institution"]
            self.fields["department"].queryset = self.fields["department"].queryset.filter(
                institution=self.instance.institution_id)
            _group_programs(self.fields["program"])
            return
        mine = project_institution_ids(user)
        self.fields["institution"].queryset = Institution.objects.filter(pk__in=mine)
        self.fields["institution"].error_messages["required"] = _(
            "Choose your institution. Only institutions where you hold the researcher role are offered; ask your "
            "institution's administrator if yours is missing.")
        self.fields["department"].queryset = self.fields["department"].queryset.filter(institution__in=mine)
        _group_programs(self.fields["program"])
        if self.fields["institution"].queryset.count() == 1:
            self.fields["institution"].initial = self.fields["institution"].queryset.first()

    def clean(self):
        cleaned = super().clean()
        department, institution = cleaned.get("department"), cleaned.get("institution")
        if department and institution and department.institution_id != institution.pk:
            self.add_error("department", _("Choose a department of the chosen institution."))
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:  # the model's constraint, said at the field it concerns
            self.add_error("end_date", ValidationError(
                _("The end date must not be before the start date."), code="period_order"))
        return cleaned


def _group_programs(field) -> None:
    """Offer the programs grouped by funder (an <optgroup> each), with a search box added by portal.js."""
    field.queryset = field.queryset.select_related("funder").order_by("funder__code", "name_ja", "pk")
    groups: dict[str, list] = {}
    for program in field.queryset:
        groups.setdefault(str(program.funder), []).append((program.pk, str(program)))
    field.choices = [("", field.empty_label), *groups.items()]
    field.widget.attrs["data-searchable"] = _("Narrow the programs, e.g. JST or 戦略")


class MemberForm(forms.Form):
    """A contributor, found by the e-mail address of their portal account."""

    email = forms.EmailField(label=_("E-mail address"), required=False)
    role = forms.ChoiceField(label=_("Role"), choices=ProjectMember.Role.choices,
                             initial=ProjectMember.Role.CO_INVESTIGATOR)
    can_edit = forms.BooleanField(label=_("May edit the DMP"), required=False, initial=True)

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email and not User.objects.filter(email=email, is_active=True).exists():
            raise ValidationError(_("No portal user has the e-mail address %(email)s."), code="unknown_user",
                                  params={"email": email})
        return email


MemberFormSet = forms.formset_factory(MemberForm, extra=3, max_num=20)


def members_from(formset) -> list[dict]:
    emails = [f.cleaned_data["email"] for f in formset.forms if f.cleaned_data.get("email")]
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    return [{"user": users[f.cleaned_data["email"]], "role": f.cleaned_data["role"],
             "can_edit": f.cleaned_data["can_edit"]} for f in formset.forms if f.cleaned_data.get("email")]


def _field_for(question):
    common = {"label": question.label, "required": False, "help_text": ""}
    options = [(o["value"], _OptionLabel(question, o["value"])) for o in question.options]
    if question.type == QuestionType.LONG_TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), **common)
    if question.type == QuestionType.CHOICE:
        return forms.ChoiceField(choices=[("", "---------"), *options], **common)
    if question.type == QuestionType.MULTI_CHOICE:
        return forms.MultipleChoiceField(choices=options, widget=forms.CheckboxSelectMultiple, **common)
    if question.type == QuestionType.YES_NO:
        return forms.ChoiceField(choices=[("", "---------"), ("yes", _("Yes")), ("no", _("No"))], **common)
    if question.type == QuestionType.DATE:
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if question.type == QuestionType.NUMBER:
        return forms.CharField(widget=forms.NumberInput(attrs={"step": "any"}), **common)
    return forms.CharField(max_length=1000, **common)


class _OptionLabel:
    """A choice label that follows the active language at render time."""

    def __init__(self, question, value):
        self.question, self.value = question, value

    def __str__(self):
        return self.question.option_label(self.value)


class SectionForm(forms.Form):
    """The answers of one section. Every field is optional here: required answers are checked on submit,
    so that a partial save never loses what was typed."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, initial={q.key: answers.get(q.key, "") for q in questions}, **kwargs)
        self.questions = [q for q in questions if not is_answered_by_project(q)]
        for question in self.questions:
            self.fields[question.key] = _field_for(question)
            self.fields[question.key].question = question

    def clean(self):
        cleaned = super().clean()
        for question in self.questions:
            if question.key in cleaned:
                try:
                    cleaned[question.key] = clean_answer(question, cleaned[question.key])
                except ValidationError as error:
                    self.add_error(question.key, error)
        return cleaned


class TransitionMessageForm(forms.Form):
    message = forms.CharField(label=_("Message (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TransitionForm(TransitionMessageForm):
    action = forms.CharField(widget=forms.HiddenInput)


# The transitions a page asks to confirm, with what they do in plain words. Requesting changes needs a
# message, which is its confirmation; starting a revision changes nothing in force.
CONFIRMATIONS = {
    "submit": Confirmation(
        _("Submit this DMP for review?"),
        _("The plan goes to the research office for review, and its answers as they are now are kept as a new "
          "version. The reviewers are notified. You cannot edit the plan until they approve it or return it "
          "with requested changes."),
        _("Submit for review")),
    "approve": Confirmation(
        _("Approve this DMP?"),
        _("The submitted version becomes the approved plan in force, and the project's editors are notified. "
          "Any later change needs a revision, which is reviewed again."),
        _("Approve")),
    "withdraw": Confirmation(
        _("Withdraw this DMP?"),
        _("The plan leaves review for good: it can no longer be edited, submitted or approved. Its versions and "
          "history are kept. This cannot be undone."),
        _("Withdraw")),
}
# Which of them offer an optional message to the people notified.
CONFIRM_MESSAGE = ("approve", "withdraw")


class CommentForm(forms.Form):
    question_key = forms.SlugField(widget=forms.HiddenInput)
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

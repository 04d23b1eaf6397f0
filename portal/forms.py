from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import INSTITUTION_ROLES, Department, Role, SavedFilter, User
from .permissions import can_sign_in_locally
from .validators import normalize_orcid


@dataclass(frozen=True)
class Confirmation:
    """The confirmation step of an action people take from a page (never the API): the question the page
    asks, what will happen in plain words, and the label of the button that does it."""

    question: str
    consequence: str
    button: str


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, writing to each user in their own language with the portal's public address
    (PORTAL_BASE_URL, not the host the request came to). Where only operators may sign in with a password
    (LOCAL_SIGN_IN_STAFF_ONLY), only they get a link."""

    def get_users(self, email):
        return (u for u in super().get_users(email) if can_sign_in_locally(u))

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        context = {**context, "base_url": settings.PORTAL_BASE_URL.rstrip("/")}
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)


class ProfileForm(forms.ModelForm):
    # Accepts the https://orcid.org/ URL too; clean_orcid stores the bare 19-character iD.
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=60,
        required=False,
        help_text=User._meta.get_field("orcid").help_text,
    )

    class Meta:
        model = User
        fields = [
            "family_name_ja",
            "given_name_ja",
            "family_name_en",
            "given_name_en",
            "erad_researcher_number",
            "orcid",
            "preferred_language",
        ]
        labels = {"erad_researcher_number": _("e-Rad researcher number")}  # keep the lower-case "e"

    def clean_erad_researcher_number(self):
        return self.cleaned_data["erad_researcher_number"].strip()

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        return normalize_orcid(value) if value else ""


class RoleAssignmentForm(forms.Form):
    email = forms.EmailField(label=_("e-mail address"),
                             help_text=_("The person must have signed in to the portal once."))
    role = forms.ChoiceField(label=_("role"), choices=[(r.value, r.label) for r in INSTITUTION_ROLES])
    department = forms.ModelChoiceField(label=_("department"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args, institution, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = institution.departments.all()

    def clean_email(self):
        user = User.objects.filter(email__iexact=self.cleaned_data["email"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("Nobody with this e-mail address has signed in to the portal yet."))
        return user

    def clean_role(self):
        return Role(self.cleaned_data["role"])


class SavedFilterForm(forms.ModelForm):
    """The name to save a queue's current filter under (the queue and the filter come from the page)."""

    class Meta:
        model = SavedFilter
        fields = ["queue", "name", "query"]
        widgets = {"queue": forms.HiddenInput, "query": forms.HiddenInput}

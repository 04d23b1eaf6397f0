from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.fields import IdentifierField, LineField, MultilineField
from portal.i18n import pick
from portal.models import Funder, Institution
from portal.validators import validate_pdf

from .querysets import DataPolicyQuerySet
from .storage import get_policy_document_storage

funding_stream_code_validator = RegexValidator(
    r"^[A-Za-z0-9]{0,5}$",
    _("Enter at most 5 half-width letters or digits, e.g. MJPF."),
    code="invalid_funding_stream_code",
)


class FundingProgram(models.Model):
    """A funding program (事業・制度) of a funder, e.g. a Moonshot goal, SIP, KAKENHI."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="programs", verbose_name=_("funder"))
    name_ja = LineField(_("name (Japanese)"), max_length=300)
    name_en = LineField(_("name (English)"), max_length=300, blank=True)
    code = IdentifierField(
        _("funding stream code"),
        max_length=5,
        blank=True,
        validators=[funding_stream_code_validator],
        help_text=_("Program information code of the Japan Grant Number (体系的番号におけるプログラム情報コード)."),
    )
    competitive = models.BooleanField(
        _("competitive funding"), default=True, help_text=_("Counts towards the government's adoption figures.")
    )

    class Meta:
        verbose_name = _("funding program")
        verbose_name_plural = _("funding programs")
        ordering = ["funder__code", "name_ja"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "name_ja"], name="funding_program_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class ProgramRequirement(models.Model):
    """Whether a program requires a DMP and linked metadata in a fiscal year."""

    class Level(models.TextChoices):
        YES = "yes", _("Required")
        PARTLY = "partly", _("Partly required")
        NO = "no", _("Not required")

    program = models.ForeignKey(
        FundingProgram, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("funding program")
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    dmp_required = models.CharField(_("DMP required"), max_length=8, choices=Level.choices, default=Level.NO)
    metadata_required = models.BooleanField(_("linked metadata required"), default=False)

    class Meta:
        verbose_name = _("program requirement")
        verbose_name_plural = _("program requirements")
        ordering = ["program", "fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["program", "fiscal_year"], name="program_requirement_unique_year"),
        ]

    def __str__(self):
        return f"{self.program} FY{self.fiscal_year}: {self.get_dmp_required_display()}"


# A data policy's history entries store why they were written as a code (`superseded:<version>` names the
# version that replaced it) and are labelled in the reader's language (`change_reason_label`).
CHANGE_REASONS = {
    "created": _("Draft created"),
    "edited": _("Draft edited"),
    "adopted": _("Adopted"),
    "superseded": _("Superseded by version %(version)s"),
}


def change_reason_label(reason: str | None) -> str:
    """The label of a history entry's reason code, in the active language (an unknown reason as written)."""
    code, _sep, version = (reason or "").partition(":")
    label = CHANGE_REASONS.get(code)
    return str(label) % {"version": version} if label is not None else (reason or "")


class DataPolicy(models.Model):
    """An institution's research-data policy (データポリシー)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("policy state", "Draft")
        ADOPTED = "adopted", _("Adopted")
        SUPERSEDED = "superseded", _("Superseded")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="data_policies", verbose_name=_("institution")
    )
    title_ja = LineField(_("title (Japanese)"), max_length=300)
    title_en = LineField(_("title (English)"), max_length=300, blank=True)
    version = LineField(_("version"), max_length=20, default="1.0")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to="policies/", storage=get_policy_document_storage,
                                validators=[validate_pdf], blank=True, help_text=_("PDF, at most 20 MB."))
    document_url = models.URLField(_("document URL"), blank=True)
    summary_ja = MultilineField(_("summary (Japanese)"), blank=True)
    summary_en = MultilineField(_("summary (English)"), blank=True)

    objects = DataPolicyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data policy")
        verbose_name_plural = _("data policies")
        ordering = ["institution", "-adopted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"], condition=Q(status="adopted"), name="data_policy_one_adopted",
                violation_error_message=_("An institution has at most one adopted data policy at a time."),
            ),
            models.CheckConstraint(
                condition=~Q(status="adopted") | Q(adopted_on__isnull=False),
                name="data_policy_adopted_has_date",
                violation_error_message=_("An adopted policy needs its adoption date."),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("policy:data-policy-detail", args=[self.pk])

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def summary(self) -> str:
        return pick(self, "summary")

    @property
    def document_link(self) -> str:
        """The uploaded PDF through the view that applies the policy's visibility, or the external URL."""
        return reverse("policy:data-policy-document", args=[self.pk]) if self.document else self.document_url

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policy.models import FundingProgram
from portal.i18n import pick
from portal.models import Department, Institution

from .querysets import ProjectQuerySet

grant_number_validator = RegexValidator(
    r"^JP[A-Z0-9]+$",
    _("Enter the Japan Grant Number in capitals starting with JP, e.g. JPMJPF2101 or JP24K00366."),
    code="invalid_grant_number",
)


class ResearchField(models.TextChoices):
    """e-Rad research fields (V2)."""

    LIFE_SCIENCE = "189", _("Life Science")
    INFORMATICS = "289", _("Informatics")
    ENVIRONMENT = "389", _("Environmental Science")
    NANOTECH = "489", _("Nanotechnology/Materials")
    ENERGY = "589", _("Energy Engineering")
    MANUFACTURING = "689", _("Manufacturing Technology")
    INFRASTRUCTURE = "789", _("Social Infrastructure")
    FRONTIER = "889", _("Frontier Technology")
    HUMANITIES = "900", _("Humanities & Social Sciences")
    NATURAL_SCIENCE = "1000", _("Natural Science")
    OTHERS = "9999", _("Others")


class Project(models.Model):
    """A funded research project (研究課題), identified by its Japan Grant Number (体系的番号).
    Its DMP and its managed-data records hang off it."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="projects", verbose_name=_("institution")
    )
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="projects",
        verbose_name=_("department"),
    )
    program = models.ForeignKey(
        FundingProgram, on_delete=models.PROTECT, related_name="projects", verbose_name=_("funding program")
    )
    grant_number = models.CharField(
        _("Japan Grant Number"), max_length=40, validators=[grant_number_validator],
        help_text=_("体系的番号, e.g. JPMJPF2101 (JST) or JP24K00366 (KAKENHI)."),
    )
    name_ja = models.CharField(_("project name (Japanese)"), max_length=300, blank=True)
    name_en = models.CharField(_("project name (English)"), max_length=300, blank=True)
    research_field = models.CharField(_("project research field"), max_length=4, choices=ResearchField.choices)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    pi = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_projects",
        verbose_name=_("principal investigator"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ProjectQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["grant_number"]
        constraints = [
            models.UniqueConstraint(fields=["grant_number"], name="project_unique_grant_number"),
            models.CheckConstraint(
                condition=(
                    Q(end_date__isnull=True) | Q(start_date__isnull=True) | Q(end_date__gte=models.F("start_date"))
                ),
                name="project_period_order",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(name_ja="") | ~Q(name_en=""),
                name="project_name_ja_or_en",
                violation_error_message=_("Give the project name in Japanese or in English."),
            ),
        ]

    def __str__(self):
        return f"{self.grant_number} {self.name}"

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def funder(self):
        return self.program.funder


class ProjectMember(models.Model):
    """A person of a project besides its PI: co-investigators, data creators, data stewards. Members
    with `can_edit` write the DMP and the project's managed data together with the PI."""

    class Role(models.TextChoices):
        CO_INVESTIGATOR = "co_investigator", _("Co-investigator")
        DATA_CREATOR = "data_creator", _("Data creator")
        DATA_STEWARD = "data_steward", _("Data steward")
        CONTRIBUTOR = "contributor", _("Contributor")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members", verbose_name=_("project"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="project_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    can_edit = models.BooleanField(_("may edit"), default=True)

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        ordering = ["project", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="project_member_unique")]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

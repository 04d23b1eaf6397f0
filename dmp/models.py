from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from policy.models import FundingProgram
from portal.fields import IdentifierField, LineField, MultilineField
from portal.i18n import current_language, pick
from portal.models import Department, Funder, Institution
from portal.validators import validate_grant_number

from .querysets import DMPQuerySet, ProjectQuerySet

# The maDMP import checks grant numbers with the same rule as the model.
grant_number_validator = validate_grant_number


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
    grant_number = IdentifierField(
        _("Japan Grant Number"), max_length=40, validators=[grant_number_validator],
        help_text=_("体系的番号 as the funder issued it, e.g. JPMJPF2101 (JST), JP24K00366 (KAKENHI) or "
                    "JP21km0908001 (AMED)."),
    )
    name_ja = LineField(_("project name (Japanese)"), max_length=300, blank=True)
    name_en = LineField(_("project name (English)"), max_length=300, blank=True)
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


class QuestionType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    CHOICE = "choice", _("Single choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    DATE = "date", _("Date")
    NUMBER = "number", _("Number")
    YES_NO = "yes_no", _("Yes/no")
    MANAGED_DATA = "managed_data", _("Managed-data table")


class DMPTemplate(models.Model):
    """A DMP form (様式) of a funder or an institution, in a version. A published version never changes:
    editing it makes the next version, and DMPs keep the version they were written on."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    key = models.SlugField(_("key"), max_length=60,
                           help_text=_("Stable name shared by every version, e.g. jsps-kakenhi."))
    version = models.PositiveIntegerField(_("version"), default=1)
    title_ja = LineField(_("template title (Japanese)"), max_length=300)
    title_en = LineField(_("template title (English)"), max_length=300, blank=True)
    description_ja = MultilineField(_("template description (Japanese)"), blank=True)
    description_en = MultilineField(_("template description (English)"), blank=True)
    funder = models.ForeignKey(
        Funder, on_delete=models.PROTECT, null=True, blank=True, related_name="dmp_templates",
        verbose_name=_("owning funder"),
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, null=True, blank=True, related_name="dmp_templates",
        verbose_name=_("owning institution"),
    )
    programs = models.ManyToManyField(
        FundingProgram, blank=True, related_name="dmp_templates", verbose_name=_("programs served")
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("DMP template")
        verbose_name_plural = _("DMP templates")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="dmp_template_unique_version"),
            models.CheckConstraint(
                condition=Q(funder__isnull=True) | Q(institution__isnull=True),
                name="dmp_template_one_owner",
                violation_error_message=_("A template belongs to a funder or to an institution, not both."),
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.version}"

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class TemplateSection(models.Model):
    template = models.ForeignKey(
        DMPTemplate, on_delete=models.CASCADE, related_name="sections", verbose_name=_("template")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_ja = LineField(_("section title (Japanese)"), max_length=300)
    title_en = LineField(_("section title (English)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("template section")
        verbose_name_plural = _("template sections")
        ordering = ["template", "position", "pk"]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return pick(self, "title")


class TemplateQuestion(models.Model):
    """One question. `project_field` questions are answered by the project itself (grant number, names,
    people); `managed_data` questions list the project's managed-data records, `columns` naming the
    record attributes shown (each a common metadata element)."""

    section = models.ForeignKey(
        TemplateSection, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section")
    )
    key = models.SlugField(_("key"), max_length=60,
                           help_text=_("Unique within the template; answers are stored by it."))
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices, default=QuestionType.TEXT)
    label_ja = LineField(_("question (Japanese)"), max_length=500)
    label_en = LineField(_("question (English)"), max_length=500, blank=True)
    guidance_ja = MultilineField(_("guidance (Japanese)"), blank=True)
    guidance_en = MultilineField(_("guidance (English)"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    options = models.JSONField(
        _("options"), default=list, blank=True,
        help_text=_("For choices: a list of {\"value\", \"label_ja\", \"label_en\"}."),
    )
    columns = models.JSONField(
        _("columns"), default=list, blank=True,
        help_text=_("For a managed-data table: a list of {\"field\", \"label_ja\", \"label_en\", \"element\"}."),
    )
    project_field = LineField(_("answered by the project's"), max_length=30, blank=True)
    element = LineField(_("common metadata element"), max_length=20, blank=True)
    madmp = LineField(_("maDMP property"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("template question")
        verbose_name_plural = _("template questions")
        ordering = ["section", "position", "pk"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return pick(self, "label")

    @property
    def guidance(self) -> str:
        return pick(self, "guidance")

    def option_label(self, value) -> str:
        """The label of a choice value in the active language (the value itself if unknown)."""
        order = ("label_en", "label_ja") if current_language() == "en" else ("label_ja", "label_en")
        for option in self.options:
            if option["value"] == value:
                return option.get(order[0]) or option.get(order[1]) or str(value)
        return str(value)


class DMPStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class DMP(models.Model):
    """The data management plan of a project: the template version it is written on, its current
    answers and review state. Its dataset rows are the project's managed-data records."""

    Status = DMPStatus

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="dmp", verbose_name=_("project"))
    template = models.ForeignKey(
        DMPTemplate, on_delete=models.PROTECT, related_name="dmps", verbose_name=_("template version")
    )
    status = models.CharField(_("status"), max_length=20, choices=DMPStatus.choices, default=DMPStatus.DRAFT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    title = LineField(_("title"), max_length=300, blank=True,
                             help_text=_("Leave empty to use the project's name."))
    approved_version = models.ForeignKey(
        "DMPVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("version in force"),
        help_text=_("The last approved version; it stays in force while a revision is under way."),
    )
    external_id = LineField(_("maDMP identifier"), max_length=300, blank=True)
    external_id_type = LineField(_("maDMP identifier type"), max_length=20, blank=True)
    madmp_extension = models.JSONField(
        _("maDMP extension"), default=dict, blank=True, editable=False,
        help_text=_("What an imported maDMP holds that the portal has no place for, given back on export."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    submitted_at = models.DateTimeField(_("last submitted"), null=True, blank=True)
    # Copies of the project's department, institution and program's funder for the review dashboard, so
    # that its counts read DMPs (and approvals) without joining projects; the database keeps them correct
    # (triggers, `metadata.db_triggers`).
    department = models.ForeignKey(Department, on_delete=models.SET_NULL, null=True, editable=False,
                                   related_name="+", db_index=False, verbose_name=_("department"))
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, null=True, editable=False,
                                    related_name="+", db_index=False, verbose_name=_("institution"))
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, null=True, editable=False, related_name="+",
                               db_index=False, verbose_name=_("funder"))

    objects = DMPQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["approved_version", "department", "institution", "funder"])

    # The review state machine: (from, action) -> to. dmp_transition applies it; templates show its buttons.
    TRANSITIONS = {
        (DMPStatus.DRAFT, "submit"): DMPStatus.SUBMITTED,
        (DMPStatus.CHANGES_REQUESTED, "submit"): DMPStatus.SUBMITTED,
        (DMPStatus.SUBMITTED, "request_changes"): DMPStatus.CHANGES_REQUESTED,
        (DMPStatus.SUBMITTED, "approve"): DMPStatus.APPROVED,
        (DMPStatus.APPROVED, "revise"): DMPStatus.DRAFT,
        (DMPStatus.DRAFT, "withdraw"): DMPStatus.WITHDRAWN,
        (DMPStatus.SUBMITTED, "withdraw"): DMPStatus.WITHDRAWN,
        (DMPStatus.CHANGES_REQUESTED, "withdraw"): DMPStatus.WITHDRAWN,
    }
    EDITABLE = (DMPStatus.DRAFT, DMPStatus.CHANGES_REQUESTED)

    class Meta:
        verbose_name = _("data management plan")
        verbose_name_plural = _("data management plans")
        ordering = ["-updated_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="dmp_status_submitted"),
            models.Index(fields=["submitted_at", "id"], name="dmp_queue_order"),
            models.Index(fields=["-updated_at", "-id"], name="dmp_list_order"),
            # The review dashboard's counts, read from the index alone: all DMPs, an institution's, a funder's.
            models.Index(fields=["department", "status", "submitted_at", "created_at"], name="dmp_dash_department"),
            models.Index(fields=["institution", "department", "status", "submitted_at", "created_at"],
                         name="dmp_dash_institution"),
            models.Index(fields=["funder", "department", "status", "submitted_at", "created_at"],
                         name="dmp_dash_funder"),
            models.Index(fields=["id", "department", "institution", "funder", "created_at"], name="dmp_dash_approvals"),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("dmp:dmp-detail", args=[self.pk])

    @property
    def display_title(self) -> str:
        return self.title or self.project.name

    @property
    def editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def in_revision(self) -> bool:
        """An approved DMP being revised: its approved version stays in force."""
        return self.approved_version_id is not None and self.status != DMPStatus.APPROVED

    @property
    def waiting_since(self):
        """When a submitted DMP was submitted (None in every other state): how long it has waited for review."""
        return self.submitted_at if self.status == DMPStatus.SUBMITTED else None

    def actions(self) -> list[str]:
        return [action for (state, action) in self.TRANSITIONS if state == self.status]


class DMPVersion(models.Model):
    """An immutable snapshot taken at each submission: the answers, the project block and the dataset
    rows exactly as submitted, in values that do not depend on the submitter's interface language (codes
    for choices, both names of people and organisations, ISO dates); pages and PDFs render the labels."""

    dmp = models.ForeignKey(DMP, on_delete=models.CASCADE, related_name="versions", verbose_name=_("DMP"))
    number = models.PositiveIntegerField(_("version"))
    template = models.ForeignKey(DMPTemplate, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("template version"))
    answers = models.JSONField(_("answers"), default=dict)
    project_snapshot = models.JSONField(_("project"), default=dict)
    datasets = models.JSONField(_("dataset rows"), default=list)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)

    class Meta:
        verbose_name = _("DMP version")
        verbose_name_plural = _("DMP versions")
        ordering = ["dmp", "number"]
        constraints = [models.UniqueConstraint(fields=["dmp", "number"], name="dmp_version_unique_number")]

    def __str__(self):
        return f"{self.dmp_id} v{self.number}"


class DMPTransition(models.Model):
    """One review-state transition: who, when, from, to, the message, and the version it concerned."""

    dmp = models.ForeignKey(DMP, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("DMP"))
    version = models.ForeignKey(DMPVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="transitions",
                                verbose_name=_("version"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("actor"))
    action = LineField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=20, choices=DMPStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=DMPStatus.choices)
    message = MultilineField(_("message"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    round_started_at = models.DateTimeField(
        _("review round started"), null=True, blank=True,
        help_text=_("On an approval: the first submission since the previous approval (resubmissions after "
                    "requested changes continue the round)."),
    )
    duty_override = models.BooleanField(
        _("separation of duties overridden"), default=False,
        help_text=_("An operator took this decision on a plan they are PI or member of."),
    )

    class Meta:
        verbose_name = _("DMP transition")
        verbose_name_plural = _("DMP transitions")
        ordering = ["dmp", "at", "pk"]
        indexes = [
            # The review dashboard's approvals, read from the index alone in DMP order.
            models.Index(fields=["dmp", "at", "round_started_at"], name="dmp_transition_approvals",
                         condition=Q(action="approve", round_started_at__isnull=False)),
        ]

    def __str__(self):
        return f"{self.dmp_id}: {self.from_status} → {self.to_status}"


class ReviewComment(models.Model):
    """A reviewer's comment on one question of one submitted version; resolvable."""

    version = models.ForeignKey(DMPVersion, on_delete=models.CASCADE, related_name="comments",
                                verbose_name=_("version"))
    question_key = models.SlugField(_("question"), max_length=60)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    body = MultilineField(_("comment"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))

    class Meta:
        verbose_name = _("review comment")
        verbose_name_plural = _("review comments")
        ordering = ["version", "created_at", "pk"]

    def __str__(self):
        return self.body[:60]

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None

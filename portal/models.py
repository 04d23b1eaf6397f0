from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .fields import IdentifierField, LineField, MultilineField
from .i18n import pick
from .querysets import RoleAssignmentQuerySet
from .validators import validate_erad_researcher_number, validate_orcid, validate_ror


class Language(models.TextChoices):
    JA = "ja", _("Japanese")
    EN = "en", _("English")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail address must be set")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Roles are `RoleAssignment`s, not groups: one person can hold different roles at
    different institutions."""

    email = models.EmailField(_("e-mail address"), unique=True)
    family_name_ja = LineField(_("family name (Japanese)"), max_length=100, blank=True)
    given_name_ja = LineField(_("given name (Japanese)"), max_length=100, blank=True)
    family_name_en = LineField(_("family name (English)"), max_length=100, blank=True)
    given_name_en = LineField(_("given name (English)"), max_length=100, blank=True)
    erad_researcher_number = IdentifierField(
        _("e-Rad researcher number"),
        max_length=8,
        blank=True,
        validators=[validate_erad_researcher_number],
        help_text=_("8 digits, as registered in e-Rad (研究者番号)."),
    )
    orcid = IdentifierField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[validate_orcid],
        help_text=_("16 characters such as 0000-0002-1825-0097."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.JA
    )
    is_staff = models.BooleanField(
        _("operator"), default=False, help_text=_("Can sign in to the admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.display_name or self.email

    @property
    def name_ja(self) -> str:
        """The full name in Japanese (family name first)."""
        return f"{self.family_name_ja} {self.given_name_ja}".strip()

    @property
    def name_en(self) -> str:
        """The full name in English (given name first)."""
        return f"{self.given_name_en} {self.family_name_en}".strip()

    @property
    def display_name(self) -> str:
        return pick(self, "name")

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.given_name_ja or self.given_name_en or self.email


class Institution(models.Model):
    class Kind(models.TextChoices):
        NATIONAL_UNIVERSITY = "national_university", _("National university")
        INTER_UNIVERSITY = "inter_university", _("Inter-university research institute corporation")
        NATIONAL_RD_AGENCY = "national_rd_agency", _("National research and development agency")
        PUBLIC_UNIVERSITY = "public_university", _("Public university")
        PRIVATE_UNIVERSITY = "private_university", _("Private university")
        OTHER = "other", _("Other")

    name_ja = LineField(_("name (Japanese)"), max_length=200)
    name_en = LineField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind of institution"), max_length=32, choices=Kind.choices)
    code = IdentifierField(
        _("institution code"),
        max_length=20,
        unique=True,
        help_text=_("The institution's code, e.g. its e-Rad research institution code."),
    )
    ror = models.URLField(_("ROR ID"), blank=True, validators=[validate_ror])
    runs_repository = models.BooleanField(_("runs a repository"), default=False)

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Department(models.Model):
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="departments", verbose_name=_("institution")
    )
    name_ja = LineField(_("name (Japanese)"), max_length=200)
    name_en = LineField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["institution", "name_ja"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name_ja"], name="department_unique_name")
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Funder(models.Model):
    """A funding agency (資金配分機関). It lives in `portal` with the other organisations, because
    role assignments point at it; programs and requirements are in `policy`."""

    code = IdentifierField(
        _("abbreviation"),
        max_length=20,
        unique=True,
        help_text=_("Short code such as JST, AMED or JSPS (ASCII letters and digits)."),
    )
    name_ja = LineField(_("name (Japanese)"), max_length=200)
    name_en = LineField(_("name (English)"), max_length=200, blank=True)
    erad_code = IdentifierField(_("e-Rad funder code"), max_length=10, blank=True)
    crossref_funder_id = IdentifierField(
        _("Crossref Funder ID"), max_length=50, blank=True, help_text=_("e.g. 10.13039/501100001691")
    )
    ror = models.URLField(_("ROR ID"), blank=True, validators=[validate_ror])

    class Meta:
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class Role(models.TextChoices):
    RESEARCHER = "researcher", _("Researcher")
    REVIEWER = "reviewer", _("Research office reviewer")
    LIBRARIAN = "librarian", _("Librarian (curator)")
    INSTITUTION_ADMIN = "institution_admin", _("Institution administrator")
    FUNDER_OFFICER = "funder_officer", _("Funder officer")


INSTITUTION_ROLES = (Role.RESEARCHER, Role.REVIEWER, Role.LIBRARIAN, Role.INSTITUTION_ADMIN)


class RoleAssignment(models.Model):
    """(user, role, institution or funder). Funder officers belong to a funder, every other role to an
    institution."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    institution = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("institution"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("department"),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("funder"),
    )

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        ordering = ["user", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role=Role.FUNDER_OFFICER, funder__isnull=False, institution__isnull=True)
                    | (~Q(role=Role.FUNDER_OFFICER) & Q(institution__isnull=False, funder__isnull=True))
                ),
                name="role_assignment_scope",
                violation_error_message=_(
                    "A funder officer needs a funder; every other role needs an institution."
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "institution"],
                condition=Q(institution__isnull=False),
                name="role_assignment_unique_institution",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "funder"],
                condition=Q(funder__isnull=False),
                name="role_assignment_unique_funder",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.institution or self.funder}"


class Notification(models.Model):
    """A message to a user, shown in the portal and sent by e-mail from a Celery task."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("user")
    )
    subject = LineField(_("subject"), max_length=200)
    body = MultilineField(_("message"))
    link = LineField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return self.link or reverse("portal:home")


class SavedFilter(models.Model):
    """A filter of a work queue, saved by a user under a name to pick again later."""

    class Queue(models.TextChoices):
        DMP_REVIEW = "dmp-review", _("DMP review queue")
        CURATION = "curation", _("Curation queue")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="saved_filters", verbose_name=_("user"))
    queue = models.CharField(_("queue"), max_length=20, choices=Queue.choices)
    name = LineField(_("name"), max_length=100)
    query = LineField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["user", "queue", "name"], name="saved_filter_unique_name")]

    def __str__(self):
        return self.name

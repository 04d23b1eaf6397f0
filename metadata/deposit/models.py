"""Repositories an institution deposits into, and one deposit job per (record, repository)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.fields import IdentifierField, LineField, MultilineField
from portal.i18n import pick
from portal.models import Institution

from . import credentials
from .querysets import DepositJobQuerySet, RepositoryQuerySet


class Repository(models.Model):
    class Kind(models.TextChoices):
        INVENIORDM = "inveniordm", _("InvenioRDM (REST API)")
        SWORD2 = "sword2", _("SWORD 2.0 (WEKO3 / JAIRO Cloud, DSpace)")
        DATAVERSE = "dataverse", _("Dataverse (native API)")

    class Package(models.TextChoices):
        ATOM = "atom", _("Atom entry with DC terms, then the files")
        JPCOAR_ZIP = "jpcoar_zip", _("Zip package with the JPCOAR 2.0 metadata and the files")

    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="repositories",
                                    verbose_name=_("institution"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_ja = LineField(_("name (Japanese)"), max_length=200)
    name_en = LineField(_("name (English)"), max_length=200, blank=True)
    base_url = models.URLField(_("base URL"), help_text=_("e.g. https://repository.example.ac.jp"))
    collection = LineField(
        _("default collection"), max_length=500, blank=True,
        help_text=_("InvenioRDM: community id (optional); SWORD: collection IRI or its path; "
                    "Dataverse: collection alias."),
    )
    package = models.CharField(
        _("SWORD package"), max_length=12, choices=Package.choices, default=Package.ATOM,
        help_text=_("SWORD only: what the deposit sends to the collection."),
    )
    username = LineField(_("user name"), max_length=200, blank=True,
                                help_text=_("SWORD with HTTP Basic authentication only; leave empty for a token."))
    secret_encrypted = models.TextField(_("token or password (encrypted)"), blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = RepositoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("repository")
        verbose_name_plural = _("repositories")
        ordering = ["institution", "name_ja", "pk"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind in (self.Kind.SWORD2, self.Kind.DATAVERSE) and not self.collection.strip():
            raise ValidationError({"collection": _("SWORD and Dataverse deposits need a collection.")})

    @property
    def name(self) -> str:
        return pick(self, "name")

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def set_secret(self, value: str) -> None:
        self.secret_encrypted = credentials.encrypt(value)

    def secret(self) -> str:
        return credentials.decrypt(self.secret_encrypted)


class DepositJob(models.Model):
    """Depositing one record into one repository. `step` is the last step done remotely; `remote` holds
    what the repository assigned (stored right after the step that created it), so a re-run resumes."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        WAITING = "waiting", _("waiting to retry")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")

    class Step(models.TextChoices):
        NONE = "", _("not started")
        CREATE = "create", _("metadata deposited")
        UPLOAD = "upload", _("files uploaded")
        PUBLISH = "publish", _("published")
        IDENTIFY = "identify", _("identifier read back")

    record = models.ForeignKey("metadata.ManagedData", on_delete=models.CASCADE, related_name="deposit_jobs",
                               verbose_name=_("managed data"))
    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, related_name="jobs",
                                   verbose_name=_("repository"))
    key = models.UUIDField(_("deposit key"), default=uuid.uuid4, unique=True, editable=False,
                           help_text=_("Sent with the deposit so that a re-run finds what it created."))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    step = models.CharField(_("last step done"), max_length=10, choices=Step.choices, blank=True, default="")
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    lease_until = models.DateTimeField(_("worker lease until"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("task last sent"), default=timezone.now)
    last_error = MultilineField(_("last error"), blank=True)
    remote_id = LineField(_("remote id"), max_length=500, blank=True)
    previous_remote_id = LineField(
        _("new version of"), max_length=500, blank=True,
        help_text=_("The remote record of an earlier deposit into this repository, of which this deposit makes a "
                    "new version."))
    remote = models.JSONField(_("remote references"), default=dict, blank=True)
    landing_url = models.URLField(_("landing page"), max_length=500, blank=True)
    doi = IdentifierField(_("DOI"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)

    objects = DepositJobQuerySet.as_manager()

    # (from, action) -> to, applied by the services; "defer" is a transient failure with a retry to come.
    TRANSITIONS = {
        (State.QUEUED, "start"): State.RUNNING,
        (State.RUNNING, "start"): State.RUNNING,  # a re-run after its worker died (lease expired)
        (State.RUNNING, "defer"): State.WAITING,
        (State.WAITING, "start"): State.RUNNING,
        (State.RUNNING, "succeed"): State.SUCCEEDED,
        (State.RUNNING, "fail"): State.FAILED,
        (State.FAILED, "retry"): State.QUEUED,
        (State.WAITING, "retry"): State.QUEUED,  # now, without waiting for the time set
    }
    FINISHED = (State.SUCCEEDED, State.FAILED)

    class Meta:
        verbose_name = _("deposit job")
        verbose_name_plural = _("deposit jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "repository"], condition=~Q(state="succeeded"),
                                    name="deposit_job_one_open_per_repository",
                                    violation_error_message=_("This record already has an unfinished deposit "
                                                              "into this repository.")),
            models.CheckConstraint(condition=Q(state__in=["queued", "running", "waiting", "succeeded", "failed"]),
                                   name="deposit_job_state_valid"),
        ]
        indexes = [models.Index(fields=["state", "lease_until"], name="deposit_job_state_lease")]

    def __str__(self):
        return f"{self.record_id} → {self.repository_id} ({self.state})"

    def get_absolute_url(self):
        return reverse("deposit:job-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.state in self.FINISHED

    @property
    def retryable(self) -> bool:
        return self.can("retry")

    def can(self, action: str) -> bool:
        return (self.state, action) in self.TRANSITIONS


class DepositCopy(models.Model):
    """A copy of a record in a repository: one per successful deposit, plus the location the record gave
    itself before its first deposit (no repository, no job). Exactly one copy may be the primary one, and
    only then does the record's own repository and DOI say what the copy says (`deposit_copy_make_primary`)."""

    record = models.ForeignKey("metadata.ManagedData", on_delete=models.CASCADE, related_name="copies",
                               verbose_name=_("managed data"))
    repository = models.ForeignKey(Repository, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="copies", verbose_name=_("repository"))
    job = models.OneToOneField(DepositJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="copy",
                               verbose_name=_("deposit job"))
    repository_name_ja = LineField(_("repository (Japanese)"), max_length=300, blank=True)
    repository_name_en = LineField(_("repository (English)"), max_length=300, blank=True)
    remote_id = LineField(_("remote id"), max_length=500, blank=True)
    landing_url = LineField(_("landing page"), max_length=500, blank=True)
    doi = IdentifierField(_("DOI"), max_length=200, blank=True)
    version = LineField(_("version in the repository"), max_length=50, blank=True)
    deposited_at = models.DateTimeField(_("deposited"), default=timezone.now)
    record_datestamp = models.DateTimeField(_("record datestamp deposited"), null=True, blank=True,
                                            help_text=_("The record as it was when deposited."))
    is_primary = models.BooleanField(_("primary copy"), default=False)

    class Meta:
        verbose_name = _("copy in a repository")
        verbose_name_plural = _("copies in repositories")
        ordering = ["deposited_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record"], condition=Q(is_primary=True), name="deposit_copy_one_primary"),
        ]

    def __str__(self):
        return f"{self.record_id}: {self.repository_name} {self.doi or self.landing_url}"

    @property
    def repository_name(self) -> str:
        return pick(self, "repository_name")

    @property
    def is_registered(self) -> bool:
        """The record's own location from before any deposit."""
        return self.repository_id is None

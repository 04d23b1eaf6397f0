from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SheetImport(models.Model):
    """A large sheet import run as a background job: its file's rows (read once, at upload, kept as the JSON
    of `services.SheetFile` in `content` until the job ends), its progress and its outcome."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Checking and saving")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sheet_imports",
                             verbose_name=_("user"))
    filename = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("file content"), editable=False)
    dry_run = models.BooleanField(_("dry run"), default=False)
    as_drafts = models.BooleanField(_("import as drafts"), default=False,
                                    help_text=_("New and changed rows may stay incomplete."))
    language = models.CharField(_("language of the messages"), max_length=8, default="ja")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("sheet import")
        verbose_name_plural = _("sheet imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("sheet:import-detail", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return 100 * self.processed_rows // self.total_rows if self.total_rows else 0

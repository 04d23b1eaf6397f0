import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metadata.models import ManagedData

from .storage import get_data_file_storage


def data_file_key(instance, filename: str) -> str:
    """The storage key: the record and a random folder, so that two files never collide and a key reveals
    nothing guessable; the original name is kept in `DataFile.name`."""
    return f"records/{instance.record_id}/{uuid.uuid4().hex}/{filename}"


class DataFile(models.Model):
    """A file of a managed-data record. Editable while the record is a draft or returned; frozen once the
    record is published (metadata.files.services and .permissions enforce it)."""

    record = models.ForeignKey(ManagedData, on_delete=models.CASCADE, related_name="files",
                               verbose_name=_("managed data"))
    name = models.CharField(_("file name"), max_length=255)
    size = models.BigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    md5 = models.CharField(_("MD5"), max_length=32)
    media_type = models.CharField(_("media type"), max_length=255,
                                  help_text=_("Detected from the content, not from the name."))
    file = models.FileField(_("file"), storage=get_data_file_storage, upload_to=data_file_key, max_length=500)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("data file")
        verbose_name_plural = _("data files")
        ordering = ["record", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "name"], name="data_file_unique_name",
                                    violation_error_message=_("The record already has a file of this name.")),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """The download address (the bytes go only to viewers with data access)."""
        return reverse("files:download", args=[self.record_id, self.pk])


class Upload(models.Model):
    """A resumable (tus 1.0) upload in progress. Bytes go straight to the storage: appended to the file on
    the local file system, or as parts of an S3 multipart upload. It becomes a DataFile when complete."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    record = models.ForeignKey(ManagedData, on_delete=models.CASCADE, related_name="uploads",
                               verbose_name=_("managed data"))
    name = models.CharField(_("file name"), max_length=255)
    length = models.BigIntegerField(_("size (bytes)"))
    offset = models.BigIntegerField(_("bytes received"), default=0)
    declared_sha256 = models.CharField(_("declared SHA-256"), max_length=64, blank=True)
    key = models.CharField(_("storage key"), max_length=500)
    multipart_id = models.CharField(_("S3 multipart upload id"), max_length=200, blank=True)
    parts = models.JSONField(_("uploaded parts"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("upload in progress")
        verbose_name_plural = _("uploads in progress")
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} ({self.offset}/{self.length})"


class Download(models.Model):
    """One download of a file's bytes, for the usage statistics."""

    record = models.ForeignKey(ManagedData, on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("managed data"))
    file = models.ForeignKey(DataFile, on_delete=models.SET_NULL, null=True, related_name="downloads",
                             verbose_name=_("data file"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("user"), help_text=_("Empty: anonymous."))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("downloads")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.file_id} @ {self.at:%Y-%m-%d %H:%M}"

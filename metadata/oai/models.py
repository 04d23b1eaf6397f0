"""What harvesters get, rendered once: per record, its OAI-PMH header and its metadata in each format as
stored XML fragments, with the datestamp and the set memberships (see `metadata/oai/rendering.py`)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class HarvestRecord(models.Model):
    """One record of the public set, as anonymous harvesters see it, or the deleted header of one that
    left it. The row outlives the record (no foreign key): `deletedRecord` is persistent."""

    record_id = models.BigIntegerField(_("managed data"), primary_key=True)
    datestamp = models.DateTimeField(_("datestamp"))
    deleted = models.BooleanField(_("deleted"), default=False)
    header = models.TextField(_("header"))
    # The `metadata` children ("" in deleted headers).
    jpcoar = models.TextField("jpcoar_2.0", blank=True)
    datacite = models.TextField("oai_datacite", blank=True)
    oai_dc = models.TextField("oai_dc", blank=True)
    # Set memberships, one column per kind of set ("" when none).
    institution = models.CharField(_("institution"), max_length=40, blank=True)
    funder = models.CharField(_("funder"), max_length=40, blank=True)
    program = models.CharField(_("funding program"), max_length=20, blank=True)
    access = models.CharField(_("access rights"), max_length=20, blank=True)
    field = models.CharField(_("research field"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("harvested record")
        verbose_name_plural = _("harvested records")
        # A harvest pages on the record id inside a datestamp window, optionally within one set.
        indexes = [
            models.Index(fields=["datestamp", "record_id"], name="harvest_datestamp"),
            models.Index(fields=["institution", "record_id"], name="harvest_set_institution"),
            models.Index(fields=["funder", "record_id"], name="harvest_set_funder"),
            models.Index(fields=["program", "record_id"], name="harvest_set_program"),
            models.Index(fields=["access", "record_id"], name="harvest_set_access"),
            models.Index(fields=["field", "record_id"], name="harvest_set_field"),
        ]

    def __str__(self):
        return f"{self.record_id}{' (deleted)' if self.deleted else ''}"

"""Every save that may change what harvesters see renders the affected records again, in the same
transaction, whichever path made it (services, admin, imports, the deposit worker). Writes that bypass
`save()` (`QuerySet.update`, `bulk_create`) call `harvest_refresh` themselves."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dmp.models import Project
from policy.models import FundingProgram
from portal.models import Funder, Institution

from ..models import ManagedData, RecordPerson
from .rendering import harvest_refresh


def _refresh(records) -> None:
    harvest_refresh(records.values_list("pk", flat=True))


@receiver(post_save, sender=ManagedData)
@receiver(post_delete, sender=ManagedData)
def record_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        harvest_refresh([instance.pk])


@receiver(post_save, sender=RecordPerson)
@receiver(post_delete, sender=RecordPerson)
def person_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        harvest_refresh([instance.record_id])


@receiver(post_save, sender=Project)
def project_changed(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        _refresh(ManagedData.objects.filter(project=instance))


@receiver(post_save, sender=FundingProgram)
def program_changed(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        _refresh(ManagedData.objects.filter(project__program=instance))


@receiver(post_save, sender=Funder)
def funder_changed(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        _refresh(ManagedData.objects.filter(project__program__funder=instance))


@receiver(post_save, sender=Institution)
def institution_changed(sender, instance, raw=False, created=False, **kwargs):
    if not (raw or created):
        _refresh(ManagedData.objects.filter(institution=instance))

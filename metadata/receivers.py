"""Copies of people's identifiers that the portal app announces."""

from django.dispatch import receiver

from portal.identity.services import orcid_verified

from .services import record_people_take_verified_orcid


@receiver(orcid_verified)
def take_verified_orcid(sender, *, user, orcid, **kwargs):
    record_people_take_verified_orcid(user=user, orcid=orcid)

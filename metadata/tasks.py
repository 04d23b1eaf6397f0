"""Celery entry points for managed data: thin, calling one service each."""

from celery import shared_task

from .services import managed_data_lift_embargoes


@shared_task(acks_late=True)
def lift_embargoes() -> int:
    return managed_data_lift_embargoes()

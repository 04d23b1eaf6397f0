"""Celery entry points for data files: thin, calling one service each."""

from celery import shared_task

from .services import uploads_expire as uploads_expire_service


@shared_task(acks_late=True)
def uploads_expire() -> int:
    return uploads_expire_service()

"""Celery entry point for large sheet imports: thin, calling one service."""

from celery import shared_task

from .services import sheet_import_job_run as run


@shared_task(acks_late=True)
def sheet_import_job_run(job_id: int) -> None:
    run(job_id=job_id)

"""Celery entry point for large sheet imports: thin, calling one service."""

from celery import shared_task


@shared_task(acks_late=True)
def sheet_import_job_run(job_id: int) -> None:
    # The service module enqueues this task, so it is imported when the task runs.
    from .services import sheet_import_job_run as run

    run(job_id=job_id)

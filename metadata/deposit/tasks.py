"""Celery entry points for deposits: thin, calling one service each."""

from celery import shared_task

from .worker import deposit_job_run as deposit_job_run_service
from .worker import deposit_jobs_take_due, deposit_jobs_take_stale


@shared_task(bind=True, acks_late=True, max_retries=None)
def deposit_job_run(self, job_id: int) -> None:
    retry_in = deposit_job_run_service(job_id=job_id)
    if retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
    # In-process (no broker) the job waits for its time: `manage.py deposit_run_due` runs it then.


@shared_task(acks_late=True)
def deposit_jobs_resume_stale() -> int:
    """Beat, every minute: re-send jobs whose worker died or whose retry message was lost."""
    job_ids = deposit_jobs_take_stale()
    for job_id in job_ids:
        deposit_job_run.delay(job_id)
    return len(job_ids)


def deposit_jobs_run_due() -> int:
    """Send (or, without a broker, run) the jobs whose retry time has come; see `deposit_run_due`."""
    job_ids = deposit_jobs_take_due()
    for job_id in job_ids:
        deposit_job_run.delay(job_id)
    return len(job_ids)

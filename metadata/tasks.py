"""Celery entry points for managed data: thin, calling one service each."""

from celery import shared_task

from .services import managed_data_lift_embargoes


@shared_task(acks_late=True)
def lift_embargoes() -> int:
    return managed_data_lift_embargoes()
from .deposit.tasks import deposit_job_run, deposit_jobs_resume_stale  # noqa: E402, F401

"""Reads for the deposit pages."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from metadata.models import ManagedData
from portal import inbox

from .models import DepositJob, Repository


def deposit_jobs_list(user):
    return DepositJob.objects.visible_to(user).select_related("record", "repository")


def deposit_repositories_for(user):
    """The repositories of the institutions whose records `user` curates."""
    return Repository.objects.filter(
        institution__in=ManagedData.objects.curated_by(user).values("institution")).order_by("name_ja")


def deposit_job_progress(job: DepositJob) -> dict:
    """What the job page and the job list show live (never credentials or request details)."""
    return {
        "id": job.pk,
        "state": job.state,
        "state_label": job.get_state_display(),
        "step_label": job.get_step_display(),
        "attempts": job.attempts,
        "next_retry": formats.date_format(timezone.localtime(job.next_retry_at), "DATETIME_FORMAT")
        if job.next_retry_at else "",
        "last_error": job.last_error,
        "landing_url": job.landing_url,
        "doi": job.doi,
        "finished": job.is_finished,
        "can_retry": job.retryable,
    }


def inbox_sections(user):
    """Failed deposits of the records `user` curates, newest first (portal.inbox)."""
    yield inbox.section(
        key="deposits-failed", title=gettext("Failed deposits at your institution"),
        url=f"{reverse('deposit:job-list')}?state={DepositJob.State.FAILED}",
        queryset=deposit_jobs_list(user).filter(state=DepositJob.State.FAILED).order_by("-pk"),
        item=lambda j: inbox.InboxItem(f"{j.record} → {j.repository}", j.get_absolute_url(), j.last_error),
    )

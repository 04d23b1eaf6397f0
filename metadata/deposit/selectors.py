"""Reads for the deposit pages."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext

from metadata.models import ManagedData
from metadata.validators import doi_from
from portal import inbox

from .models import DepositCopy, DepositJob, Repository


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


def record_copies(record: ManagedData) -> list[dict]:
    """The record's copies as its viewer gets them: `record` comes from `with_data_access(viewer)`. A DOI
    goes wherever the metadata goes; any other landing page only to viewers who get the data."""
    data_access = getattr(record, "data_access", False)
    rows = []
    for copy in DepositCopy.objects.filter(record=record).select_related("repository"):
        doi = copy.doi or doi_from(copy.landing_url) or ""
        rows.append({"copy": copy, "doi": doi,
                     "landing_url": copy.landing_url if data_access and not doi_from(copy.landing_url) else ""})
    return rows


def inbox_sections(user):
    """Failed deposits of the records `user` curates, newest first (portal.inbox)."""
    yield inbox.section(
        key="deposits-failed", title=gettext("Failed deposits at your institution"),
        url=f"{reverse('deposit:job-list')}?state={DepositJob.State.FAILED}",
        queryset=deposit_jobs_list(user).filter(state=DepositJob.State.FAILED).order_by("-pk"),
        item=lambda j: inbox.InboxItem(f"{j.record} → {j.repository}", j.get_absolute_url(), j.last_error),
    )

"""What librarians do with deposits: queue records into a repository, retry a failed job."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metadata.models import ManagedData

from .models import DepositJob, Repository
from .permissions import can_deposit_managed_data, can_retry_deposit_job
from .tasks import deposit_job_run as deposit_job_run_task


@transaction.atomic
def deposit_jobs_queue(*, record_ids: list[int], repository_id: int, actor) -> tuple[list, list]:
    """Queue a deposit of each record into the repository. Returns (new jobs, existing jobs): a record that
    already has a job for this repository keeps it (retry it if it failed)."""
    repository = Repository.objects.filter(pk=repository_id).first()
    records = list(ManagedData.objects.filter(pk__in=record_ids).select_related("institution"))
    if repository is None or len(records) != len(set(record_ids)):
        raise ValidationError(_("Choose published records and one of their institution's repositories."))
    for record in records:
        if not can_deposit_managed_data(actor, record, repository):
            raise PermissionDenied(
                _("“%(record)s” cannot be deposited into “%(repository)s” by you: only the librarians of the "
                  "record's institution deposit its published records into that institution's repositories.")
                % {"record": record, "repository": repository})
    existing = list(DepositJob.objects.filter(repository=repository, record__in=records))
    have = {job.record_id for job in existing}
    created = DepositJob.objects.bulk_create(
        [DepositJob(record=record, repository=repository, created_by=actor) for record in records
         if record.pk not in have]
    )
    ids = [job.pk for job in created]
    transaction.on_commit(lambda: [deposit_job_run_task.delay(job_id) for job_id in ids])
    return created, existing


@transaction.atomic
def deposit_job_retry(*, job_id: int, actor) -> DepositJob:
    job = DepositJob.objects.select_for_update(of=("self",)).select_related("record").get(pk=job_id)
    if not job.can("retry"):
        raise ValidationError(_("This deposit is %(state)s; only a failed deposit can be retried.")
                              % {"state": job.get_state_display()})
    if not can_retry_deposit_job(actor, job):
        raise PermissionDenied(_("Only the record's librarians can retry its deposit."))
    now = timezone.now()
    job.state, job.attempts, job.next_retry_at, job.finished_at, job.updated_at, job.dispatched_at = (
        DepositJob.State.QUEUED, 0, None, None, now, now)
    job.save(update_fields=["state", "attempts", "next_retry_at", "finished_at", "updated_at", "dispatched_at"])
    transaction.on_commit(lambda: deposit_job_run_task.delay(job.pk))
    return job

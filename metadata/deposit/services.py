"""What librarians do with deposits: queue records into a repository, retry a failed job."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from metadata.models import ManagedData
from portal.transitions import Change, InvalidTransition, transition

from .models import DepositCopy, DepositJob, Repository
from .permissions import can_choose_primary_copy, can_deposit_managed_data
from .tasks import deposit_job_run as deposit_job_run_task
from .worker import JOBS, copy_make_primary

State = DepositJob.State


@transaction.atomic(durable=True)
def deposit_jobs_queue(*, record_ids: list[int], repository_id: int, actor) -> tuple[list, list]:
    """Queue a deposit of each record into the repository. Returns (new jobs, existing jobs): a record with
    an unfinished or failed job for this repository keeps it (retry it if it failed), and so does a record
    deposited there as it is now. A record deposited there before and changed since gets a job that makes a
    new version of the remote record."""
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
    open_jobs = {job.record_id: job for job in
                 DepositJob.objects.filter(repository=repository, record__in=records).exclude(state=State.SUCCEEDED)}
    firsts = {record.first_version_id for record in records}
    last_copies = {}  # the latest copy in this repository of any version of the record
    for copy in DepositCopy.objects.filter(repository=repository).filter(
            Q(record__in=firsts) | Q(record__version_of__in=firsts)).select_related("job", "record") \
            .order_by("deposited_at", "pk"):
        last_copies[copy.record.first_version_id] = copy
    existing, new = [], []
    for record in records:
        copy = last_copies.get(record.first_version_id)
        if record.pk in open_jobs:
            existing.append(open_jobs[record.pk])
        elif copy and copy.record_id == record.pk and copy.job and copy.record_datestamp \
                and copy.record_datestamp >= record.datestamp:
            existing.append(copy.job)  # deposited as it is now
        else:  # never deposited here, or changed since, or a new version: a new version of the remote record
            new.append(DepositJob(record=record, repository=repository, created_by=actor,
                                  previous_remote_id=copy.remote_id if copy else ""))
    created = DepositJob.objects.bulk_create(new)
    ids = [job.pk for job in created]
    transaction.on_commit(lambda: [deposit_job_run_task.delay(job_id) for job_id in ids])
    return created, existing


def _requeue(job: DepositJob, change: Change) -> list[str]:
    """A failed job starts again with a fresh count of attempts; a waiting one keeps its count."""
    if change.from_state == State.FAILED:
        job.attempts = 0
    job.next_retry_at, job.finished_at, job.dispatched_at = None, None, change.at
    return ["attempts", "next_retry_at", "finished_at", "dispatched_at"]


@transaction.atomic(durable=True)
def deposit_job_retry(*, job_id: int, actor) -> DepositJob:
    """Run a failed job again from where it stopped (with a fresh count of attempts), or a job waiting to
    retry at once."""
    try:
        job = transition(JOBS, pk=job_id, action="retry", actor=actor, apply=_requeue)
    except InvalidTransition as error:
        raise ValidationError(str(error)) from None
    transaction.on_commit(lambda: deposit_job_run_task.delay(job.pk))
    return job


@transaction.atomic(durable=True)
def deposit_copy_make_primary(*, copy_id: int, actor) -> DepositCopy:
    """A curator chooses which copy the record points to: its repository, URL and DOI become the copy's."""
    copy = DepositCopy.objects.select_related("record").get(pk=copy_id)
    record = ManagedData.objects.select_for_update(of=("self",)).get(pk=copy.record_id)
    if not can_choose_primary_copy(actor, record):
        raise PermissionDenied(_("Only the record's librarians choose its primary copy."))
    if not copy.is_primary:
        record._history_user = actor
        copy_make_primary(record, copy, now=timezone.now())
    return copy

"""What a worker does with a deposit job: claim it, run the remaining steps, and record the outcome.
Safe to run twice or after a crash: the job's `step` and `remote` say what is already done remotely,
each step is stored as soon as it is done, and the adapters find what an interrupted step created."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metadata.models import ManagedData
from metadata.validators import doi_from
from portal.transitions import Change, InvalidTransition, Workflow, transition

from . import payload
from .adapters import adapter_for
from .http import PermanentError, TransientError, unreadable
from .models import DepositCopy, DepositJob
from .permissions import can_retry_deposit_job

logger = logging.getLogger(__name__)

State, Step = DepositJob.State, DepositJob.Step
STEPS = (Step.CREATE, Step.UPLOAD, Step.PUBLISH)  # then identify, recorded with the success


def deposit_job_run(*, job_id: int) -> float | None:
    """Run the job if it is due and nobody else is running it. Returns the seconds until the next attempt
    when this run hit a transient error (the caller schedules it), else None."""
    job = _claim(job_id)
    if job is None:
        return None
    with translation.override(job.created_by.preferred_language):
        try:
            record = ManagedData.objects.select_related("institution", "project__program__funder") \
                .prefetch_related("people").get(pk=job.record_id)
            adapter = adapter_for(job.repository)
            for step in STEPS[STEPS.index(job.step) + 1 if job.step else 0:]:
                logger.info("deposit job %s: %s (attempt %s)", job.pk, step, job.attempts)
                if step == Step.CREATE and job.previous_remote_id:
                    remote = adapter.new_version(record, job.key, job.previous_remote_id)
                    _store_step(job, step, remote=remote, remote_id=remote["id"])
                elif step == Step.CREATE:
                    remote = adapter.find(record, job.key) or adapter.create(record, job.key)
                    _store_step(job, step, remote=remote, remote_id=remote["id"])
                elif step == Step.UPLOAD:
                    adapter.upload(job.remote, payload.files(record))
                    _store_step(job, step)
                else:
                    adapter.publish(job.remote)
                    _store_step(job, step)
            identifier = adapter.identify(job.remote)
            if not identifier.landing_url.startswith(("https://", "http://")):
                raise unreadable()  # never link a page to anything but a web address
        except TransientError as exc:
            return _defer(job, exc)
        except PermanentError as exc:
            _fail(job, exc.message)
            return None
        except Exception:  # a surprise (a bug, an answer of an unforeseen shape): retried, never a lost job
            logger.exception("deposit job %s: unexpected error", job.pk)
            return _defer(job, TransientError(_("An unexpected error occurred; the deposit will be tried again.")))
    _succeed(job, identifier)
    return None


def _refusal(actor, job: DepositJob, action: str) -> str | None:
    if action == "retry" and not can_retry_deposit_job(actor, job):
        return _("Only the record's librarians can retry its deposit.")
    return None


# The worker's steps (start, defer, succeed, fail) and the librarians' retry; the job's own fields (attempts,
# last error, times) are its record. Only a retry reaches a user as an invalid step.
JOBS = Workflow(model=DepositJob, state_field="state", related=("repository", "created_by", "record"),
                refusal=_refusal,
                invalid=gettext_lazy("This deposit is %(state)s; only a failed deposit or one waiting to retry can "
                                     "be retried."))


def _start(job: DepositJob, change: Change) -> list[str]:
    if job.state == State.RUNNING and job.lease_until and job.lease_until > change.at:
        raise InvalidTransition(JOBS, job, change.action)  # being run by a live worker
    job.attempts, job.next_retry_at = job.attempts + 1, None
    job.lease_until = change.at + datetime.timedelta(seconds=settings.DEPOSIT_LEASE_SECONDS)
    job.started_at = job.started_at or change.at
    return ["attempts", "next_retry_at", "lease_until", "started_at"]


def _claim(job_id: int) -> DepositJob | None:
    try:
        return transition(JOBS, pk=job_id, action="start", apply=_start)
    except InvalidTransition:
        return None  # finished, failed, or being run by a live worker


def _store_step(job: DepositJob, step: str, **fields) -> None:
    """Record a step as done (and what it created) at once, renewing the worker's lease."""
    now = timezone.now()
    for name, value in {"step": step, "updated_at": now,
                        "lease_until": now + datetime.timedelta(seconds=settings.DEPOSIT_LEASE_SECONDS),
                        **fields}.items():
        setattr(job, name, value)
    job.save(update_fields=["step", "updated_at", "lease_until", *fields])


def _defer(job: DepositJob, exc: TransientError) -> float | None:
    if job.attempts >= settings.DEPOSIT_MAX_ATTEMPTS:
        _fail(job, _("Gave up after %(attempts)s attempts. Last error: %(error)s")
              % {"attempts": job.attempts, "error": exc.message})
        return None
    delay = min(settings.DEPOSIT_BACKOFF_MAX_SECONDS, settings.DEPOSIT_BACKOFF_SECONDS * 2 ** (job.attempts - 1))
    if exc.retry_after is not None:
        delay = min(settings.DEPOSIT_BACKOFF_MAX_SECONDS, max(delay, exc.retry_after))

    def wait(job: DepositJob, change: Change) -> list[str]:
        job.last_error, job.lease_until, job.dispatched_at = exc.message, None, change.at  # the caller sends it
        job.next_retry_at = change.at + datetime.timedelta(seconds=delay)
        return ["last_error", "lease_until", "next_retry_at", "dispatched_at"]

    transition(JOBS, pk=job.pk, action="defer", apply=wait)
    logger.warning("deposit job %s: attempt %s failed, retrying in %.0fs: %s", job.pk, job.attempts, delay,
                   exc.message)
    return delay


def _fail(job: DepositJob, message: str) -> None:
    def fail(job: DepositJob, change: Change) -> list[str]:
        job.last_error, job.lease_until, job.finished_at = message, None, change.at
        return ["last_error", "lease_until", "finished_at"]

    transition(JOBS, pk=job.pk, action="fail", apply=fail)
    logger.warning("deposit job %s failed: %s", job.pk, message)


def _succeed(job: DepositJob, identifier) -> None:
    """The job and its copy together. The record's own repository and DOI stay as they are, unless it had
    none: then this first copy becomes its primary one (and its datestamp changes, so that harvesters
    collect it again). Before the first copy, the location the record gave itself is kept as a copy."""
    def succeed(job: DepositJob, change: Change) -> list[str]:
        now = change.at
        record = ManagedData.objects.select_for_update(of=("self",)).get(pk=job.record_id)
        has_location = bool(record.repository_url or record.doi)
        if has_location and not record.copies.exists():
            DepositCopy.objects.create(
                record=record, repository_name_ja=record.repository_info_ja,
                repository_name_en=record.repository_info_en,
                landing_url=record.repository_url, doi=doi_from(record.doi) or doi_from(record.repository_url) or "",
                deposited_at=record.published_at or record.created_at, record_datestamp=record.datestamp,
                is_primary=True)
        copy = DepositCopy.objects.create(
            record=record, repository=job.repository, job=job, repository_name_ja=job.repository.name_ja,
            repository_name_en=job.repository.name_en, remote_id=job.remote_id, landing_url=identifier.landing_url,
            doi=identifier.doi, version=identifier.version or str(
                DepositCopy.objects.filter(record=record, repository=job.repository).count() + 1),
            deposited_at=now, record_datestamp=record.datestamp)
        if not has_location and not record.copies.filter(is_primary=True).exists():
            copy_make_primary(record, copy, now=now)
        job.step, job.landing_url, job.doi = Step.IDENTIFY, identifier.landing_url, identifier.doi
        job.last_error, job.lease_until, job.finished_at = "", None, now
        return ["step", "landing_url", "doi", "last_error", "lease_until", "finished_at"]

    transition(JOBS, pk=job.pk, action="succeed", apply=succeed)
    logger.info("deposit job %s succeeded: %s", job.pk, identifier.landing_url)


def copy_make_primary(record: ManagedData, copy: DepositCopy, *, now) -> None:
    """Make `copy` the record's primary copy: the record's repository, URL and DOI say what it says, and
    the datestamp changes. The caller holds the record's row lock."""
    record.copies.filter(is_primary=True).exclude(pk=copy.pk).update(is_primary=False)
    copy.is_primary = True
    copy.save(update_fields=["is_primary"])
    record.doi = copy.doi
    record.repository_url = f"https://doi.org/{copy.doi}" if copy.doi else copy.landing_url
    record.repository_info_ja, record.repository_info_en = copy.repository_name_ja, copy.repository_name_en
    # A new primary copy changes no deposited content: copies up to date before stay so.
    record.copies.filter(record_datestamp=record.datestamp).update(record_datestamp=now)
    record.datestamp = record.updated_at = now
    record.save(update_fields=["doi", "repository_url", "repository_info_ja", "repository_info_en", "datestamp",
                               "updated_at"])


@transaction.atomic
def deposit_jobs_take_stale() -> list[int]:
    """The jobs to send again (see `DepositJobQuerySet.stale`), marked as sent now so that the next sweep
    leaves them alone for a while. Safe beside running workers: a job runs only once it is claimed."""
    job_ids = list(DepositJob.objects.stale().select_for_update(skip_locked=True).values_list("pk", flat=True))
    DepositJob.objects.filter(pk__in=job_ids).update(dispatched_at=timezone.now())
    return job_ids


@transaction.atomic
def deposit_jobs_take_due() -> list[int]:
    """Without a worker (`manage.py deposit_run_due`, from cron): the jobs whose retry time has come and
    the stale ones, marked as sent now."""
    job_ids = list(DepositJob.objects.due().select_for_update(skip_locked=True).values_list("pk", flat=True))
    DepositJob.objects.filter(pk__in=job_ids).update(dispatched_at=timezone.now())
    return job_ids

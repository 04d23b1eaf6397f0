"""What a worker does with a deposit job: claim it, run the remaining steps, and record the outcome.
Safe to run twice or after a crash: the job's `step` and `remote` say what is already done remotely,
each step is stored as soon as it is done, and the adapters find what an interrupted step created."""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from metadata.models import ManagedData

from . import payload
from .adapters import adapter_for
from .http import PermanentError, TransientError, unreadable
from .models import DepositJob

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
                if step == Step.CREATE:
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
    _succeed(job, landing_url=identifier.landing_url, doi=identifier.doi)
    return None


def _claim(job_id: int) -> DepositJob | None:
    with transaction.atomic():
        job = DepositJob.objects.select_for_update(of=("self",)).select_related("repository", "created_by") \
            .get(pk=job_id)
        now = timezone.now()
        if not job.can("start") or (job.state == State.RUNNING and job.lease_until and job.lease_until > now):
            return None  # finished, failed, or being run by a live worker
        job.state, job.attempts, job.next_retry_at = State.RUNNING, job.attempts + 1, None
        job.lease_until = now + datetime.timedelta(seconds=settings.DEPOSIT_LEASE_SECONDS)
        job.started_at, job.updated_at = job.started_at or now, now
        job.save(update_fields=["state", "attempts", "next_retry_at", "lease_until", "started_at", "updated_at"])
    return job


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
    now = timezone.now()
    job.state, job.last_error, job.lease_until, job.updated_at = State.QUEUED, exc.message, None, now
    job.next_retry_at, job.dispatched_at = now + datetime.timedelta(seconds=delay), now  # the caller sends it
    job.save(update_fields=["state", "last_error", "lease_until", "updated_at", "next_retry_at", "dispatched_at"])
    logger.warning("deposit job %s: attempt %s failed, retrying in %.0fs: %s", job.pk, job.attempts, delay,
                   exc.message)
    return delay


def _fail(job: DepositJob, message: str) -> None:
    now = timezone.now()
    job.state, job.last_error, job.lease_until, job.finished_at, job.updated_at = State.FAILED, message, None, now, now
    job.save(update_fields=["state", "last_error", "lease_until", "finished_at", "updated_at"])
    logger.warning("deposit job %s failed: %s", job.pk, message)


def _succeed(job: DepositJob, *, landing_url: str, doi: str) -> None:
    """The job and the record together: the record shows its DOI (or landing page) and its datestamp
    changes, so that harvesters collect it again."""
    with transaction.atomic():
        now = timezone.now()
        record = ManagedData.objects.select_for_update(of=("self",)).get(pk=job.record_id)
        if doi or not record.doi:  # a DOI from an earlier deposit stays the record's link
            record.doi = doi
            record.repository_url = f"https://doi.org/{doi}" if doi else landing_url
        record.repository_info_ja = record.repository_info_ja or job.repository.name_ja
        record.repository_info_en = record.repository_info_en or job.repository.name_en
        record.datestamp = record.updated_at = now
        record.save(update_fields=["doi", "repository_url", "repository_info_ja", "repository_info_en",
                                   "datestamp", "updated_at"])
        job.state, job.step, job.landing_url, job.doi = State.SUCCEEDED, Step.IDENTIFY, landing_url, doi
        job.last_error, job.lease_until, job.finished_at, job.updated_at = "", None, now, now
        job.save(update_fields=["state", "step", "landing_url", "doi", "last_error", "lease_until", "finished_at",
                                "updated_at"])
    logger.info("deposit job %s succeeded: %s", job.pk, landing_url)


@transaction.atomic
def deposit_jobs_take_stale() -> list[int]:
    """The jobs to send again (see `DepositJobQuerySet.stale`), marked as sent now so that the next sweep
    leaves them alone for a while. Safe beside running workers: a job runs only once it is claimed."""
    job_ids = list(DepositJob.objects.stale().select_for_update(skip_locked=True).values_list("pk", flat=True))
    DepositJob.objects.filter(pk__in=job_ids).update(dispatched_at=timezone.now())
    return job_ids

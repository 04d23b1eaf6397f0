"""Who may deposit. Seeing jobs is `DepositJob.objects.visible_to`."""

from metadata.permissions import can_curate_managed_data

from .models import DepositJob, Repository


def can_deposit_managed_data(user, record, repository: Repository | None = None) -> bool:
    """The record's curators deposit its published version, into a repository of its institution."""
    return (
        record.is_published
        and can_curate_managed_data(user, record)
        and (repository is None or (repository.is_active and repository.institution_id == record.institution_id))
    )


def can_retry_deposit_job(user, job: DepositJob) -> bool:
    return job.can("retry") and can_curate_managed_data(user, job.record)


def can_choose_primary_copy(user, record) -> bool:
    return can_curate_managed_data(user, record)

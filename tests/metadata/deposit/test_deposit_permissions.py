"""Only the record's librarians deposit it; anyone else gets 404 (or, through the service, a refusal)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_job_retry, deposit_jobs_queue
from metadata.services import managed_data_transition
from portal.models import Role
from tests.factories import InstitutionFactory, user_with_role
from tests.metadata.deposit.fixtures import fakes, institution, librarian, make_repository, record  # noqa: F401


@pytest.fixture
def repository(fakes, institution):  # noqa: F811
    return make_repository("inveniordm", fakes["inveniordm"], institution)


@pytest.fixture
def job(record, repository, librarian):  # noqa: F811
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    return job


def test_researcher_cannot_start_a_deposit(client, record, repository, institution):  # noqa: F811
    researcher = user_with_role(Role.RESEARCHER, institution=institution)
    client.force_login(researcher)
    assert client.get(record.get_absolute_url()).status_code == 200  # sees the public record …
    response = client.post(reverse("deposit:record-deposit", args=[record.pk]), {"repository": repository.pk})
    assert response.status_code == 404  # … but cannot deposit it
    response = client.post(reverse("deposit:bulk"), {"records": [record.pk], "repository": repository.pk})
    assert response.status_code == 200
    assert "One of the selected records cannot be deposited by you." in response.content.decode()
    assert DepositJob.objects.count() == 0
    with pytest.raises(PermissionDenied):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=researcher)
    assert DepositJob.objects.count() == 0


def test_librarian_of_another_institution_gets_404_everywhere(client, record, repository, job):  # noqa: F811
    other = user_with_role(Role.LIBRARIAN, institution=InstitutionFactory())
    client.force_login(other)
    assert client.post(reverse("deposit:record-deposit", args=[record.pk]),
                       {"repository": repository.pk}).status_code == 404
    assert client.get(reverse("deposit:job-detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("deposit:job-retry", args=[job.pk])).status_code == 404
    assert client.get(reverse("deposit:job-progress"), {"id": job.pk}).json() == {"jobs": []}
    assert "Test data" not in client.get(reverse("deposit:job-list")).content.decode()
    with pytest.raises(PermissionDenied):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=other)


def test_librarian_cannot_use_another_institutions_repository(client, record, librarian, fakes):  # noqa: F811
    foreign = make_repository("inveniordm", fakes["inveniordm"], InstitutionFactory())
    client.force_login(librarian)
    response = client.post(reverse("deposit:record-deposit", args=[record.pk]), {"repository": foreign.pk})
    assert response.status_code == 200
    assert "Choose one of the listed repositories." in response.content.decode()
    with pytest.raises(PermissionDenied):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=foreign.pk, actor=librarian)
    assert DepositJob.objects.count() == 0


def test_unpublished_record_cannot_be_deposited(client, record, librarian, repository):  # noqa: F811
    managed_data_transition(record_id=record.pk, action="withdraw", actor=librarian, message="Replaced.")
    client.force_login(librarian)
    assert client.post(reverse("deposit:record-deposit", args=[record.pk]),
                       {"repository": repository.pk}).status_code == 404
    with pytest.raises(PermissionDenied):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)


def test_anonymous_visitor_is_sent_to_sign_in(client, job):
    for url in (reverse("deposit:job-list"), reverse("deposit:job-detail", args=[job.pk]),
                reverse("deposit:job-progress"), reverse("deposit:bulk")):
        assert client.get(url).status_code == 302


def test_only_a_failed_job_can_be_retried_and_only_by_its_librarians(job, institution):  # noqa: F811
    with pytest.raises(ValidationError):
        deposit_job_retry(job_id=job.pk, actor=job.created_by)
    DepositJob.objects.filter(pk=job.pk).update(state="failed")
    with pytest.raises(PermissionDenied):
        deposit_job_retry(job_id=job.pk, actor=user_with_role(Role.RESEARCHER, institution=institution))

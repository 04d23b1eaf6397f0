"""The deposit pages a librarian uses: deposit from a record, a selection, the job list and job page with
live progress, and the retry button."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse

from metadata.deposit.models import DepositJob, Repository
from metadata.deposit.services import deposit_jobs_queue
from portal.models import Role
from tests.factories import user_with_role
from tests.metadata.deposit.fixtures import (  # noqa: F401
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
    record,
)


@pytest.fixture
def repository(fakes, institution):  # noqa: F811
    return make_repository("inveniordm", fakes["inveniordm"], institution)


def test_librarian_deposits_from_the_record_and_sees_the_result(client, record, repository, librarian, fakes,  # noqa: F811
                                                                django_capture_on_commit_callbacks):
    client.force_login(librarian)
    form = client.get(reverse("deposit:record-deposit", args=[record.pk])).content.decode()
    assert f'<option value="{repository.pk}">Test inveniordm</option>' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deposit:record-deposit", args=[record.pk]), {"repository": repository.pk})
    job = DepositJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    [remote] = fakes["inveniordm"].published()
    assert "succeeded" in page and f"10.80000/{remote['id']}" in page
    assert 'data-progress-url="/deposits/progress/"' in page and "/static/js/deposit.js" in page
    landing = client.get(record.get_absolute_url()).content.decode()
    assert f"https://doi.org/10.80000/{remote['id']}" in landing  # the record shows its DOI


def test_depositing_twice_into_the_same_repository_keeps_one_job(client, record, repository, librarian):  # noqa: F811
    client.force_login(librarian)
    for _ in range(2):
        client.post(reverse("deposit:record-deposit", args=[record.pk]), {"repository": repository.pk})
    assert DepositJob.objects.count() == 1


def test_librarian_deposits_a_selection(client, institution, librarian, repository,  # noqa: F811
                                        django_capture_on_commit_callbacks):
    records = [published_record(institution, librarian) for _ in range(3)]
    client.force_login(librarian)
    page = client.get(reverse("deposit:bulk")).content.decode()
    assert all(f'value="{r.pk}"' in page for r in records)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deposit:bulk"), {"records": [r.pk for r in records[:2]],
                                                         "repository": repository.pk})
    assert response.status_code == 302
    assert sorted(DepositJob.objects.values_list("record_id", "state")) == [(r.pk, "succeeded") for r in records[:2]]


def test_bulk_deposit_without_a_selection_says_what_is_missing(client, librarian, repository):  # noqa: F811
    client.force_login(librarian)
    response = client.post(reverse("deposit:bulk"), {"repository": repository.pk})
    assert "Select at least one record." in response.content.decode()


def test_failed_job_shows_its_reason_and_can_be_retried(client, record, repository, librarian, fakes,  # noqa: F811
                                                        django_capture_on_commit_callbacks):
    fakes["inveniordm"].fail_next(1, "401")
    with django_capture_on_commit_callbacks(execute=True):
        [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    client.force_login(librarian)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "refused our credentials" in page and "Retry the deposit" in page
    assert 'data-show-when="can_retry" hidden' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("deposit:job-retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.attempts, job.last_error) == ("succeeded", 1, "")


def test_progress_endpoint_reports_step_attempts_and_next_retry(client, record, repository, librarian):  # noqa: F811
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    client.force_login(librarian)
    data = client.get(reverse("deposit:job-progress"), {"id": [job.pk, "x"]}).json()
    assert data == {"jobs": [{
        "id": job.pk, "state": "queued", "state_label": "queued", "step_label": "not started", "attempts": 0,
        "next_retry": "", "last_error": "", "landing_url": "", "doi": "", "finished": False, "can_retry": False}]}


def test_job_list_filters_by_state_repository_and_age(client, record, repository, librarian, fakes,  # noqa: F811
                                                      institution):  # noqa: F811
    other = make_repository("dataverse", fakes["dataverse"], institution)
    [queued], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    [failed], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=other.pk, actor=librarian)
    DepositJob.objects.filter(pk=failed.pk).update(state="failed")
    client.force_login(librarian)
    url = reverse("deposit:job-list")

    def listed(**params):
        return {job.pk for job in client.get(url, params).context["page"]}

    assert listed() == {queued.pk, failed.pk}
    assert listed(state="failed") == {failed.pk}
    assert listed(repository=repository.pk) == {queued.pk}
    assert listed(age="1") == {queued.pk, failed.pk}
    assert listed(age="older") == set()


@pytest.mark.parametrize("size", [3, 30])
def test_job_list_query_count_does_not_grow(size, client, record, librarian, fakes, institution,  # noqa: F811
                                            django_assert_num_queries):
    for _ in range(size):
        repository = make_repository("inveniordm", fakes["inveniordm"], institution)
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    client.force_login(librarian)
    with django_assert_num_queries(7):
        assert client.get(reverse("deposit:job-list")).status_code == 200


def test_record_page_include_offers_deposit_to_the_records_librarians_only(rf, record, repository, librarian,  # noqa: F811
                                                                           institution):  # noqa: F811
    deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)

    def render(user):
        request = rf.get(record.get_absolute_url())
        request.user = user
        return render_to_string("deposit/_record_deposit.html", {"record": record}, request=request)

    html = render(librarian)
    assert reverse("deposit:record-deposit", args=[record.pk]) in html
    assert f'<option value="{repository.pk}">Test inveniordm</option>' in html
    assert 'data-job="' in html and "queued" in html
    assert render(user_with_role(Role.RESEARCHER, institution=institution)).strip() == ""
    assert render(AnonymousUser()).strip() == ""


def test_demo_has_a_repository_per_protocol_pointing_at_the_fakes(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    demo = {r.kind: r for r in Repository.objects.filter(institution__code="9000000001")}
    assert sorted(demo) == ["dataverse", "inveniordm", "sword2"]
    assert demo["sword2"].base_url == "http://127.0.0.1:8702" and demo["sword2"].package == "jpcoar_zip"
    assert demo["inveniordm"].secret() == "demo-invenio-token"


def test_job_page_speaks_the_librarians_language(client, record, repository, librarian):  # noqa: F811
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    librarian.preferred_language = "ja"
    librarian.save(update_fields=["preferred_language"])
    client.force_login(librarian)
    page = client.get(job.get_absolute_url()).content.decode()
    assert all(text in page for text in ("リポジトリ登録", "待機中", "未開始", "試行回数", "登録を再試行"))
    assert client.get(reverse("deposit:job-progress"), {"id": job.pk}).json()["jobs"][0]["state_label"] == "待機中"



def test_librarian_deposits_a_selection_from_the_curation_queue(client, institution, librarian,  # noqa: F811
                                                                repository):
    records = [published_record(institution, librarian) for _ in range(2)]
    client.force_login(librarian)
    queue = client.get(reverse("metadata:curation-queue"), {"status": "published"}).content.decode()
    assert all(f'name="records" value="{r.pk}"' in queue for r in records)
    assert f'<option value="{repository.pk}">' in queue
    client.post(reverse("deposit:bulk"), {"records": [r.pk for r in records], "repository": repository.pk})
    assert DepositJob.objects.filter(repository=repository).count() == 2
    # Submitted records are not offered for deposit.
    assert 'name="records"' not in client.get(reverse("metadata:curation-queue")).content.decode()

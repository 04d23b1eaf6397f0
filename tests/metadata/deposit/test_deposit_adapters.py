"""Each protocol end to end against its fake: the record ends with the identifier the fake assigned."""

import io
import zipfile

import pytest

from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from tests.conftest import wait_for
from tests.metadata.deposit.fixtures import (  # noqa: F401
    KINDS,
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
    record,
)

pytest.register_assert_rewrite("tests.metadata.oai.fixtures")
from tests.metadata.oai.fixtures import assert_valid, official_schemas  # noqa: E402, F401

# (kind, repository fields): each protocol, and SWORD in both of its packagings
VARIANTS = [(kind, {}) for kind in KINDS] + [("sword2", {"package": "jpcoar_zip"})]
IDS = [*KINDS, "sword2-jpcoar-zip"]


def _assigned(fake) -> tuple[str, str]:
    """(landing page, DOI) of the one published remote record, as the fake assigned them."""
    [remote] = fake.published()
    if fake.name == "InvenioRDM":
        return f"{fake.url}/records/{remote['id']}", remote["doi"]
    if fake.name == "Dataverse":
        doi = remote["pid"].removeprefix("doi:")
        return f"https://doi.org/{doi}", doi
    return f"{fake.url}/records/{remote['id']}", ""


def _assert_deposited(job: DepositJob, fake) -> None:
    """The job and its copy carry what the repository assigned; the record keeps the location it had."""
    landing, doi = _assigned(fake)
    assert (job.state, job.landing_url, job.doi, job.last_error) == ("succeeded", landing, doi, "")
    assert (job.copy.landing_url, job.copy.doi, job.copy.remote_id, job.copy.is_primary) == (
        landing, doi, job.remote_id, False)
    job.record.refresh_from_db()
    assert (job.record.repository_url, job.record.doi) == ("https://repo.example.ac.jp/records/1", "")
    assert [c.landing_url for c in job.record.copies.filter(is_primary=True)] == [job.record.repository_url]
    assert len(fake.records) == 1


@pytest.mark.parametrize(("kind", "fields"), VARIANTS, ids=IDS)
def test_librarian_deposits_a_published_record_in_process(kind, fields, fakes, record, librarian,  # noqa: F811
                                                           institution, django_capture_on_commit_callbacks):  # noqa: F811
    repository = make_repository(kind, fakes[kind], institution, **fields)
    datestamp = record.datestamp
    with django_capture_on_commit_callbacks(execute=True):
        [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    job.refresh_from_db()
    _assert_deposited(job, fakes[kind])
    assert (job.attempts, job.step) == (1, "identify")
    assert job.record.datestamp == datestamp  # nothing harvesters see has changed


@pytest.mark.celery_worker
@pytest.mark.parametrize(("kind", "fields"), VARIANTS, ids=IDS)
def test_real_worker_deposits_into_each_repository(kind, fields, celery_worker, fakes, record, librarian,  # noqa: F811
                                                   institution):  # noqa: F811
    repository = make_repository(kind, fakes[kind], institution, **fields)
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    wait_for(lambda: DepositJob.objects.get(pk=job.pk).is_finished, message="the deposit to finish")
    _assert_deposited(DepositJob.objects.get(pk=job.pk), fakes[kind])


@pytest.mark.schemas
def test_sword_zip_package_carries_valid_jpcoar_and_the_files(official_schemas, fakes, record,  # noqa: F811
                                                              librarian, institution,  # noqa: F811
                                                              django_capture_on_commit_callbacks):
    repository = make_repository("sword2", fakes["sword2"], institution, package="jpcoar_zip")
    with django_capture_on_commit_callbacks(execute=True):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    [package] = fakes["sword2"].packages.values()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert sorted(archive.namelist()) == ["data/metadata.json", "jpcoar.xml"]
        assert_valid(official_schemas["jpcoar_2.0"], archive.read("jpcoar.xml"))


def test_a_record_without_a_location_takes_its_first_copy_and_keeps_it(
        fakes, institution, librarian, django_capture_on_commit_callbacks):  # noqa: F811
    bare = published_record(institution, librarian, repository_url="", repository_info_ja="", repository_info_en="")
    datestamp = bare.datestamp
    for kind in ("inveniordm", "sword2"):
        repository = make_repository(kind, fakes[kind], institution)
        with django_capture_on_commit_callbacks(execute=True):
            deposit_jobs_queue(record_ids=[bare.pk], repository_id=repository.pk, actor=librarian)
    bare.refresh_from_db()
    [remote] = fakes["inveniordm"].published()
    assert (bare.doi, bare.repository_url) == (remote["doi"], f"https://doi.org/{remote['doi']}")
    assert bare.repository_info_en == "Test inveniordm"
    assert bare.datestamp > datestamp  # its location is new to harvesters
    assert DepositJob.objects.filter(state="succeeded").count() == 2
    assert [(c.repository.kind, c.is_primary) for c in bare.copies.all()] == [("inveniordm", True),
                                                                              ("sword2", False)]

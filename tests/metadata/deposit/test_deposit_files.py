"""Deposits carry the record's real data files, read as streams from the storage, and compare the checksums
the repository reports with ours: a copy damaged on the way is sent again, never left behind."""

import hashlib
import io
import os
import zipfile

import pytest
from django.core.files.base import ContentFile

from metadata.deposit import payload
from metadata.deposit.models import DepositJob
from metadata.deposit.services import deposit_jobs_queue
from metadata.deposit.worker import deposit_job_run
from metadata.files.models import DataFile
from metadata.files.services import data_file_delete
from metadata.services import managed_data_transition
from tests.factories import ProjectFactory, make_record
from tests.metadata.deposit.fixtures import fakes, institution, librarian, make_repository  # noqa: F401

NAMES = ("eeg-session-01.edf", "被験者一覧.csv")


@pytest.fixture(autouse=True)
def data_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "data_files": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path / "files")}}}


def add_file(record, name: str, content: bytes) -> DataFile:
    data_file = DataFile(record=record, name=name, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                         md5=hashlib.md5(content).hexdigest(), media_type="application/octet-stream",
                         uploaded_by=record.project.pi)
    data_file.file.save(name, ContentFile(content), save=True)
    return data_file


@pytest.fixture
def record_with_files(institution, librarian):  # noqa: F811
    """A record whose files were uploaded while it was a draft, then published through the services."""
    record = make_record(project=ProjectFactory(institution=institution), title_en="EEG with files")
    contents = {name: os.urandom(3 * 1024 * 1024 + i) for i, name in enumerate(NAMES)}
    for name, content in contents.items():
        add_file(record, name, content)
    managed_data_transition(record_id=record.pk, action="submit", actor=record.project.pi)
    managed_data_transition(record_id=record.pk, action="publish", actor=librarian)
    record.refresh_from_db()
    return record, contents


def _run(record, repository, librarian):  # noqa: F811
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    while deposit_job_run(job_id=job.pk) is not None:
        pass
    job.refresh_from_db()
    return job


@pytest.fixture
def quick(settings):
    settings.DEPOSIT_BACKOFF_SECONDS = 0.01
    settings.DEPOSIT_MAX_ATTEMPTS = 4


def test_inveniordm_receives_the_files_byte_for_byte(quick, fakes, record_with_files, librarian,  # noqa: F811
                                                     institution):  # noqa: F811
    record, contents = record_with_files
    job = _run(record, make_repository("inveniordm", fakes["inveniordm"], institution), librarian)
    assert job.state == "succeeded", job.last_error
    [remote] = fakes["inveniordm"].published()
    assert {key: f["content"] for key, f in remote["files"].items()} == contents


def test_a_file_damaged_on_the_way_to_inveniordm_is_sent_again(quick, fakes, record_with_files,  # noqa: F811
                                                               librarian, institution):  # noqa: F811
    record, contents = record_with_files
    fake = fakes["inveniordm"]
    repository = make_repository("inveniordm", fake, institution)
    fake.fail_next(1, "corrupt", after=4)  # search, create, list files, init; then the content arrives damaged
    [job], _ = deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)
    assert deposit_job_run(job_id=job.pk) is not None
    job.refresh_from_db()
    assert job.state == "waiting" and "damaged on the way" in job.last_error and NAMES[0] in job.last_error
    assert deposit_job_run(job_id=job.pk) is None
    job.refresh_from_db()
    assert job.state == "succeeded", job.last_error
    [remote] = fake.published()
    assert {key: f["content"] for key, f in remote["files"].items()} == contents


def test_dataverse_receives_the_files_and_a_damaged_one_is_replaced(quick, fakes, record_with_files,  # noqa: F811
                                                                    librarian, institution):  # noqa: F811
    record, contents = record_with_files
    fake = fakes["dataverse"]
    fake.fail_next(1, "corrupt", after=3)  # search, create, list files; then the first add arrives damaged
    job = _run(record, make_repository("dataverse", fake, institution), librarian)
    assert job.state == "succeeded", job.last_error
    assert job.attempts == 2
    [dataset] = fake.records.values()
    assert sorted(f["label"] for f in dataset["files"]) == sorted(NAMES)
    assert {name: fake.content(dataset, name) for name in NAMES} == contents


def test_a_new_version_sends_only_what_changed_to_dataverse(quick, fakes, record_with_files, librarian,  # noqa: F811
                                                            institution):  # noqa: F811
    from metadata.services import managed_data_new_version

    record, contents = record_with_files
    fake = fakes["dataverse"]
    repository = make_repository("dataverse", fake, institution)
    assert _run(record, repository, librarian).state == "succeeded"
    v2 = managed_data_new_version(record_id=record.pk, actor=record.project.pi)  # with version 1's files
    changed = os.urandom(1024)
    data_file_delete(data_file=v2.files.get(name=NAMES[1]), actor=record.project.pi)
    add_file(v2, NAMES[1], changed)
    managed_data_transition(record_id=v2.pk, action="submit", actor=record.project.pi)
    managed_data_transition(record_id=v2.pk, action="publish", actor=librarian)
    calls = len(fake.calls)
    job = _run(v2, repository, librarian)
    assert job.state == "succeeded", job.last_error
    [dataset] = fake.records.values()
    assert [v["number"] for v in dataset["released"]] == [1, 2]
    assert {name: fake.content(dataset, name) for name in NAMES} == {NAMES[0]: contents[NAMES[0]], NAMES[1]: changed}
    sent = [path for method, path in fake.calls[calls:] if method == "POST"]
    assert sum(path.endswith("/replace") for path in sent) == 1 and not any(p.endswith("/add") for p in sent)


def test_sword_zip_package_is_streamed_with_the_files(quick, fakes, record_with_files, librarian,  # noqa: F811
                                                      institution):  # noqa: F811
    record, contents = record_with_files
    fake = fakes["sword2"]
    job = _run(record, make_repository("sword2", fake, institution, package="jpcoar_zip"), librarian)
    assert job.state == "succeeded", job.last_error
    [package] = fake.packages.values()
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        assert archive.testzip() is None
        assert sorted(archive.namelist()) == sorted(["jpcoar.xml", *(f"data/{n}" for n in NAMES)])
        assert {n: archive.read(f"data/{n}") for n in NAMES} == contents


def test_sword_atom_deposit_sends_one_file_with_its_md5_or_several_as_a_zip(
        quick, fakes, record_with_files, librarian, institution):  # noqa: F811
    record, contents = record_with_files
    fake = fakes["sword2"]
    job = _run(record, make_repository("sword2", fake, institution), librarian)
    assert job.state == "succeeded", job.last_error
    [item] = fake.records.values()
    assert item["files"] == {f"data/{name}": content for name, content in contents.items()}  # one SimpleZip

    DataFile.objects.filter(record=record, name=NAMES[1]).delete()
    one = make_record(project=record.project, title_en="One file")
    add_file(one, NAMES[0], contents[NAMES[0]])
    managed_data_transition(record_id=one.pk, action="submit", actor=one.project.pi)
    managed_data_transition(record_id=one.pk, action="publish", actor=librarian)
    job = _run(one, DepositJob.objects.get(record=record).repository, librarian)
    assert job.state == "succeeded", job.last_error
    assert fake.records[fake.last_id]["files"] == {NAMES[0]: contents[NAMES[0]]}


def test_the_zip_is_built_piece_by_piece():
    big = payload.in_memory("data/big.bin", os.urandom(5 * 1024 * 1024), "application/octet-stream")
    pieces = list(payload.zip_stream([("data/big.bin", big)]))
    assert len(pieces) > 5 and max(len(p) for p in pieces) <= payload.CHUNK + 1024
    with zipfile.ZipFile(io.BytesIO(b"".join(pieces))) as archive:
        assert hashlib.md5(archive.read("data/big.bin")).hexdigest() == big.md5

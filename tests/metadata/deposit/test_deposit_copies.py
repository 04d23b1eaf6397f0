"""A deposit never overwrites what a record says: each successful deposit is a copy of the record, and the
record's own repository and DOI change only when a curator chooses another copy as the primary one."""

import pytest
from django.urls import reverse

from metadata.deposit.models import DepositCopy
from metadata.deposit.services import deposit_jobs_queue
from metadata.models import ManagedData
from metadata.oai.protocol import oai_identifier
from metadata.presentation import citation
from tests.metadata.deposit.fixtures import (  # noqa: F401
    fakes,
    institution,
    librarian,
    make_repository,
    published_record,
)
from tests.metadata.oai.fixtures import oai_get

OPENNEURO = "10.18112/openneuro.ds000117.v1.0.5"


@pytest.fixture(autouse=True)
def _english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def openneuro_record(institution, librarian):  # noqa: F811
    return published_record(institution, librarian, repository_url=f"https://doi.org/{OPENNEURO}",
                            repository_info_ja="OpenNeuro", repository_info_en="OpenNeuro")


def _deposit(record, repository, librarian, capture):  # noqa: F811
    with capture(execute=True):
        deposit_jobs_queue(record_ids=[record.pk], repository_id=repository.pk, actor=librarian)


def _harvested_identifiers(client, record) -> list[str]:
    root = oai_get(client, verb="GetRecord", identifier=oai_identifier(record.pk), metadataPrefix="oai_dc")
    return root.xpath("//dc:identifier/text()", namespaces={"dc": "http://purl.org/dc/elements/1.1/"})


def test_a_record_with_a_doi_deposited_into_two_repositories_keeps_its_doi(
        client, fakes, openneuro_record, librarian, institution,  # noqa: F811
        django_capture_on_commit_callbacks):
    record = openneuro_record
    before = (record.repository_url, record.doi, record.repository_info_en, record.datestamp)
    for kind in ("inveniordm", "dataverse"):
        _deposit(record, make_repository(kind, fakes[kind], institution), librarian,
                 django_capture_on_commit_callbacks)
    record.refresh_from_db()
    assert (record.repository_url, record.doi, record.repository_info_en, record.datestamp) == before

    [invenio] = fakes["inveniordm"].published()
    [dataverse] = fakes["dataverse"].published()
    copies = list(record.copies.all())
    assert [(c.repository_name_en, c.doi, c.is_primary) for c in copies] == [
        ("OpenNeuro", OPENNEURO, True),
        ("Test inveniordm", invenio["doi"], False),
        ("Test dataverse", dataverse["pid"].removeprefix("doi:"), False),
    ]
    page = client.get(record.get_absolute_url()).content.decode()
    assert page.count("<tr data-copy=") == 3
    for copy in copies:
        assert f"https://doi.org/{copy.doi}" in page
    assert citation(record).endswith(f"https://doi.org/{OPENNEURO}")
    assert f"https://doi.org/{OPENNEURO}" in page.split('class="citation">')[1].split("</p>")[0]
    identifiers = _harvested_identifiers(client, record)
    assert f"https://doi.org/{OPENNEURO}" in identifiers
    assert not any(invenio["doi"] in i or dataverse["pid"].removeprefix("doi:") in i for i in identifiers)


def test_a_curator_chooses_another_copy_as_the_primary_one(
        client, fakes, openneuro_record, librarian, institution,  # noqa: F811
        django_capture_on_commit_callbacks):
    record = openneuro_record
    _deposit(record, make_repository("inveniordm", fakes["inveniordm"], institution), librarian,
             django_capture_on_commit_callbacks)
    [invenio] = fakes["inveniordm"].published()
    copy = DepositCopy.objects.get(repository__isnull=False)
    datestamp = ManagedData.objects.get(pk=record.pk).datestamp

    client.force_login(librarian)
    page = client.get(record.get_absolute_url()).content.decode()
    assert reverse("deposit:copy-primary", args=[copy.pk]) in page
    response = client.post(reverse("deposit:copy-primary", args=[copy.pk]))
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.doi, record.repository_url, record.repository_info_en) == (
        invenio["doi"], f"https://doi.org/{invenio['doi']}", "Test inveniordm")
    assert record.datestamp > datestamp  # harvesters collect the new DOI
    assert [c.is_primary for c in record.copies.all()] == [False, True]  # the OpenNeuro copy is kept
    assert f"https://doi.org/{invenio['doi']}" in _harvested_identifiers(client, record)
    assert f"https://doi.org/{OPENNEURO}" in client.get(record.get_absolute_url()).content.decode()


def test_only_the_records_curators_choose_the_primary_copy(
        client, fakes, openneuro_record, librarian, institution,  # noqa: F811
        django_capture_on_commit_callbacks):
    from portal.models import Role
    from tests.factories import InstitutionFactory, user_with_role

    record = openneuro_record
    _deposit(record, make_repository("inveniordm", fakes["inveniordm"], institution), librarian,
             django_capture_on_commit_callbacks)
    copy = DepositCopy.objects.get(repository__isnull=False)
    outsider = user_with_role(Role.LIBRARIAN, institution=InstitutionFactory())
    client.force_login(outsider)
    assert "Make primary" not in client.get(record.get_absolute_url()).content.decode()
    assert client.post(reverse("deposit:copy-primary", args=[copy.pk])).status_code == 404
    record.refresh_from_db()
    assert record.repository_url == f"https://doi.org/{OPENNEURO}"

"""Librarians publish or return a selection of submitted records with one message and see, for each record,
what happened; records they do not curate are never touched."""

import pytest
from django.urls import reverse

from metadata.models import ManagedData
from portal.models import Role
from tests.factories import ProjectFactory, make_record, user_with_role

pytestmark = pytest.mark.django_db


def test_bulk_publish_three_records_with_per_record_results(client):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    records = [make_record(project=project, status="submitted", data_no=str(i)) for i in range(3)]
    incomplete = make_record(project=project, status="submitted", data_no="9")
    ManagedData.objects.filter(pk=incomplete.pk).update(license="")
    elsewhere = make_record(status="submitted")
    client.force_login(librarian)

    queue = client.get(reverse("metadata:curation-queue"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="bulk-curation"' in queue and "data-select-all" in queue
    assert str(project.pi) in queue  # the submitter column

    response = client.post(reverse("metadata:curation-bulk"), {
        "records": [r.pk for r in records] + [incomplete.pk], "action": "publish", "message": ""},
        HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200 and page.count("Done: now Published") == 3 and "Not changed:" in page
    assert set(ManagedData.objects.filter(status="published").values_list("pk", flat=True)) == {
        r.pk for r in records}

    # A record of another institution is not a choice: the selection is refused and nothing changes.
    client.post(reverse("metadata:curation-bulk"), {"records": [elsewhere.pk], "action": "return",
                                                     "message": "x"})
    elsewhere.refresh_from_db()
    assert elsewhere.status == "submitted"


def test_bulk_return_needs_one_message_for_all(client):
    project = ProjectFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    records = [make_record(project=project, status="submitted", data_no=str(i)) for i in range(2)]
    client.force_login(librarian)
    page = client.post(reverse("metadata:curation-bulk"), {
        "records": [r.pk for r in records], "action": "return", "message": "ライセンスを確認してください"},
        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Done: now Returned to the researcher") == 2
    assert all(e.message == "ライセンスを確認してください" for r in records for e in r.curation_events.filter(
        to_status="returned"))

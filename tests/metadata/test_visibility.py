"""The one visibility rule, on every surface: role × curation state × metadata access × surface for who
sees a record (the project's DMP readers see its records in every state), and role × data access right for
who gets the data link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from metadata.models import ManagedData
from tests.metadata.conftest import DATA_ACCESS, ROLES, client_for, expected_viewers, future

STATES = ["draft", "submitted", "returned", "published", "withdrawn"]
METADATA_ACCESS = ["open access", "restricted access", "closed access"]


def _title(record):
    return f"Token{record.pk}Zq"


def surface_sees(surface, client, record) -> bool:
    token = _title(record).lower()
    if surface == "list":
        html = client.get(reverse("metadata:managed-data-list"), {"status": record.status}).content.decode()
        return _title(record) in html
    if surface == "search":
        html = client.get(reverse("metadata:managed-data-list"), {"q": token, "status": record.status}).content
        return _title(record) in html.decode()
    if surface == "detail":
        return client.get(record.get_absolute_url()).status_code == 200
    if surface == "api_list":
        data = client.get(reverse("metadata:api-managed-data-list"), {"status": record.status, "q": token}).json()
        return any(r["id"] == record.pk for r in data["results"])
    if surface == "api_detail":
        return client.get(reverse("metadata:api-managed-data-detail", args=[record.pk])).status_code == 200
    if surface == "csv_export":
        response = client.get(reverse("metadata:managed-data-export", args=["csv"]), {"status": record.status})
        return _title(record) in response.content.decode("utf-8-sig")
    raise AssertionError(surface)


@pytest.mark.parametrize("surface", ["list", "search", "detail", "api_list", "api_detail", "csv_export"])
@pytest.mark.parametrize("metadata_access", METADATA_ACCESS)
@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_record(cast, client, state, metadata_access, surface):
    record = cast.record(status=state, metadata_access=metadata_access, title_en="placeholder")
    token = _title(record)
    ManagedData.objects.filter(pk=record.pk).update(title_ja=token, title_en=token, search_text=token.lower())
    record.refresh_from_db()
    seen = {role for role in ROLES if surface_sees(surface, client_for(client, cast.users[role]), record)}
    assert seen == expected_viewers(state, metadata_access)


def test_invisible_record_is_404_never_403(cast, client):
    record = cast.record(status="draft")
    client_for(client, cast.users["outsider"])
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(reverse("metadata:api-managed-data-detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("metadata:api-managed-data-publish", args=[record.pk])).status_code == 404


@pytest.mark.parametrize("surface", ["detail", "api_detail"])
@pytest.mark.parametrize("access", list(DATA_ACCESS))
def test_who_gets_the_data_link(cast, client, access, surface):
    right = {"open": "open access", "embargoed_future": "embargoed access", "embargoed_past": "embargoed access",
             "shared": "restricted access", "closed": "metadata only access"}[access]
    extra = {"embargo_until": future()} if right == "embargoed access" else {}
    record = cast.record(status="published", access_right=right, **extra)
    if access == "embargoed_past":  # the publication date has come
        ManagedData.objects.filter(pk=record.pk).update(embargo_until=timezone.localdate() - datetime.timedelta(1))
    if access == "shared":
        record.shared_with.add(cast.users["outsider"])
    link = record.repository_url
    got = set()
    for role in ROLES:
        c = client_for(client, cast.users[role])
        if surface == "detail":
            if link in c.get(record.get_absolute_url()).content.decode():
                got.add(role)
        else:
            data = c.get(reverse("metadata:api-managed-data-detail", args=[record.pk])).json()
            if data["repository_url"] == link:
                got.add(role)
    assert got == DATA_ACCESS[access]

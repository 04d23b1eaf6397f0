"""The one visibility rule, on every surface: role × curation state × metadata access × surface for who
sees a record (the project's DMP readers see its records in every state), and role × data access right for
who gets the data link."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from lxml import etree

from metadata.models import ManagedData
from metadata.oai.rendering import oai_identifier
from tests.metadata.conftest import DATA_ACCESS, ROLES, client_for, expected_viewers, future

STATES = ["draft", "submitted", "returned", "published", "withdrawn"]
METADATA_ACCESS = ["open access", "restricted access", "closed access"]
OAI = "{http://www.openarchives.org/OAI/2.0/}"
# Who opens a scoped dashboard and its drill-downs: the institution's admins, the program's funder officers.
SCOPE_VIEWERS = {"drilldown_institution": {"institution_admin", "superuser"},
                 "drilldown_funder": {"funder_officer", "superuser"}}
# Who reads the project's DMP page: its PI and members, the institution's staff, the funder's officers
# (a person named only on a record does not).
DMP_PAGE_READERS = {"creator", "project_member", "librarian", "reviewer", "institution_admin", "funder_officer",
                    "superuser"}


def audience(surface, state, metadata_access) -> set[str]:
    """Who sees the record on `surface`: everyone the rule lets see it, narrowed where the surface itself
    has a smaller audience."""
    viewers = expected_viewers(state, metadata_access)
    if surface.startswith("oai_"):
        # Harvesters are anonymous: whoever asks gets what an anonymous visitor sees, the released records
        # live and the withdrawn ones as deleted headers (README, OAI-PMH provider).
        shown = "anonymous" in viewers and state == ("withdrawn" if surface.endswith("_deleted") else "published")
        return set(ROLES) if shown else set()
    if surface == "drilldown_national":  # the national figures count published records
        return viewers if state == "published" else set()
    if surface in SCOPE_VIEWERS:  # an institution's or a funder's figures count every record but withdrawn ones
        return viewers & SCOPE_VIEWERS[surface] if state != "withdrawn" else set()
    if surface.startswith("sheet_"):  # the sheet is for signed-in users
        return viewers - {"anonymous"}
    if surface == "dmp_table":
        return viewers & DMP_PAGE_READERS
    return viewers


SEARCH_WORD = "vizq"  # in every title of the test, and nowhere else


def _title(record):
    return f"Token{record.pk}Vizq"


def _shown(text, records) -> set[int]:
    return {r.pk for r in records if _title(r) in text}


def _oai(client, records) -> dict[str, set[int]]:
    """The records a harvester finds with GetRecord and ListIdentifiers, live or as deleted headers."""
    found = {f"oai_{verb}{kind}": set() for verb in ("record", "identifiers") for kind in ("", "_deleted")}
    ids = {oai_identifier(r.pk): r.pk for r in records}
    for record in records:
        root = etree.fromstring(client.get(reverse("oai:endpoint"), {
            "verb": "GetRecord", "identifier": oai_identifier(record.pk), "metadataPrefix": "oai_dc"}).content)
        header = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}header")
        if header is None:
            assert root.find(f"{OAI}error").get("code") == "idDoesNotExist"
            continue
        has_metadata = root.find(f"{OAI}GetRecord/{OAI}record/{OAI}metadata") is not None
        deleted = header.get("status") == "deleted"
        if has_metadata != deleted:
            found["oai_record_deleted" if deleted else "oai_record"].add(record.pk)
    root = etree.fromstring(client.get(reverse("oai:endpoint"), {
        "verb": "ListIdentifiers", "metadataPrefix": "oai_dc"}).content)
    for header in root.iter(f"{OAI}header"):
        if header.findtext(f"{OAI}identifier") in ids:
            kind = "_deleted" if header.get("status") == "deleted" else ""
            found[f"oai_identifiers{kind}"].add(ids[header.findtext(f"{OAI}identifier")])
    return found


def surfaces_seen(client, cast, dmp, state, records) -> dict[str, set[int]]:
    """For each surface, the records (of one state) it shows to the client's user."""
    def page(name, *args, **query):
        response = client.get(reverse(name, args=args), query)
        return response.content.decode("utf-8-sig") if response.status_code == 200 else ""

    def api_ids(response):
        return {r["id"] for r in response.json()["results"]} if response.status_code == 200 else set()

    drilldown = {"drilldown_national": "", "drilldown_institution": f"institution:{cast.institution.pk}",
                 "drilldown_funder": f"funder:{cast.project.program.funder.code}"}
    return {
        "list": _shown(page("metadata:managed-data-list", status=state), records),
        "search": _shown(page("metadata:managed-data-list", q=SEARCH_WORD, status=state), records),
        "detail": {r.pk for r in records if client.get(r.get_absolute_url()).status_code == 200},
        "api_list": api_ids(client.get(reverse("metadata:api-managed-data-list"), {"status": state})),
        "api_detail": {r.pk for r in records
                       if client.get(reverse("metadata:api-managed-data-detail", args=[r.pk])).status_code == 200},
        "csv_export": _shown(page("metadata:managed-data-export", "csv", status=state), records),
        **_oai(client, records),
        **{surface: _shown(page("dashboards:records", scope=scope, project=cast.project.pk), records)
           for surface, scope in drilldown.items()},
        "sheet_csv": _shown(page("sheet:export", file="csv", language="en", status=state), records),
        "sheet_api_csv": _shown(page("sheet:api-export", file="csv", language="en", status=state), records),
        "dmp_table": _shown(page("dmp:dmp-detail", dmp.pk), records),
    }


@pytest.mark.parametrize("state", STATES)
def test_who_sees_a_record(cast, client, state):
    """One record per metadata access right in `state`; every role asks every surface for them."""
    dmp = cast.dmp()
    records = {}
    for number, metadata_access in enumerate(METADATA_ACCESS):
        record = cast.record(status=state, metadata_access=metadata_access, title_en="placeholder",
                             data_no=str(number))
        token = _title(record)
        ManagedData.objects.filter(pk=record.pk).update(title_ja=token, title_en=token, search_text=token.lower())
        records[metadata_access] = record
    seen = {}
    for role in ROLES:
        shown = surfaces_seen(client_for(client, cast.users[role]), cast, dmp, state, list(records.values()))
        for surface, pks in shown.items():
            for metadata_access, record in records.items():
                seen.setdefault((metadata_access, surface), set())
                if record.pk in pks:
                    seen[(metadata_access, surface)].add(role)
    assert seen == {key: audience(key[1], state, key[0]) for key in seen}


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

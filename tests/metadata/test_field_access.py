"""Field-level access on every exit (issue #12, acceptance 1 and 2): a data location that is not a DOI
appears exactly where the rule gives the viewer the data; a DOI wherever the record's metadata goes; and
a DMP's readers can open every dataset row of the plan, without getting any action on the records.

The oracle below is written out by hand from design.md §3, not computed with `with_data_access`."""

import datetime
import io
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from dmp.models import ProjectMember
from dmp.services import dmp_transition, template_load_shipped
from metadata.models import ManagedData
from metadata.oai.rendering import harvest_refresh
from portal.models import Role
from tests.dmp.factories import complete, make_dmp
from tests.factories import InstitutionFactory, make_record, user_with_role

VIEWERS = ["anonymous", "outsider", "sharer", "person", "curator", "reviewer", "funder_officer"]
ACCESS = {  # access class: (access right, embargo date relative to today)
    "open": ("open access", None),
    "embargoed_before": ("embargoed access", 30),
    "embargoed_after": ("embargoed access", -1),
    "shared": ("restricted access", None),
    "closed": ("metadata only access", None),
}
# Who gets the data of a published record, by access class (design.md §3).
GETS_DATA = {
    "open": set(VIEWERS),
    "embargoed_before": {"person", "curator"},
    "embargoed_after": set(VIEWERS),
    "shared": {"sharer", "person", "curator"},
    "closed": {"person", "curator"},
}
DMP_READERS = {"person", "curator", "reviewer", "funder_officer"}  # the PI, the institution's staff, the funder


def url_of(access):
    return f"https://data.example.org/{access.replace('_', '-')}-zq"


def doi_of(access):
    return f"10.5555/{access.replace('_', '-')}.dq"


class Plan:
    """A project (its PI is the records' person) with a DMP submitted twice, and for every access class
    two published records with open metadata: one located by a URL, one by a DOI."""

    def __init__(self):
        template_load_shipped()
        institution = InstitutionFactory()
        self.dmp = make_dmp(institution=institution)
        project = self.dmp.project
        other = InstitutionFactory()
        self.users = {
            "anonymous": AnonymousUser(),
            "outsider": user_with_role(Role.RESEARCHER, institution=other),
            "sharer": user_with_role(Role.RESEARCHER, institution=other),
            "person": project.pi,
            "curator": user_with_role(Role.LIBRARIAN, institution=institution),
            "reviewer": user_with_role(Role.REVIEWER, institution=institution),
            "funder_officer": user_with_role(Role.FUNDER_OFFICER, funder=project.program.funder),
        }
        complete(self.dmp, with_data=False)
        for number, (access, (right, days)) in enumerate(ACCESS.items()):
            for kind, location in (("url", url_of(access)), ("doi", doi_of(access))):
                extra = {"embargo_until": timezone.localdate() + datetime.timedelta(30)} if days else {}
                record = make_record(project=project, status="published", librarian=self.users["curator"],
                                     access_right=right, repository_url=location, data_no=f"{number}{kind}",
                                     **extra)
                if days:
                    ManagedData.objects.filter(pk=record.pk).update(
                        embargo_until=timezone.localdate() + datetime.timedelta(days))
                    harvest_refresh([record.pk])  # time passed: the daily embargo job renders it again
                if access == "shared":
                    record.shared_with.add(self.users["sharer"])
        dmp_transition(dmp_id=self.dmp.pk, action="submit", actor=project.pi)
        dmp_transition(dmp_id=self.dmp.pk, action="request_changes", actor=self.users["reviewer"],
                       message="Please add the retention period.")
        dmp_transition(dmp_id=self.dmp.pk, action="submit", actor=project.pi)


def _oai(prefix):
    def fetch(client, plan):
        return client.get(reverse("oai:endpoint"), {"verb": "ListRecords", "metadataPrefix": prefix}).content.decode()
    return fetch


def _sheet(file):
    def fetch(client, plan):
        response = client.get(reverse("metadata:managed-data-export", args=[file]))
        if file == "csv":
            return response.content.decode("utf-8-sig")
        sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
        return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
    return fetch


def _landing(client, plan):
    return "\n".join(client.get(r.get_absolute_url()).content.decode()
                     for r in ManagedData.objects.filter(project=plan.dmp.project))


def _api(client, plan):
    return "\n".join(client.get(reverse("metadata:api-managed-data-detail", args=[r.pk])).content.decode()
                     for r in ManagedData.objects.filter(project=plan.dmp.project))


def _page(name, **query):
    def fetch(client, plan):
        args = [plan.dmp.pk, 2] if name == "dmp:dmp-version" else [plan.dmp.pk]
        response = client.get(reverse(name, args=args), query)
        if response.status_code != 200:
            assert response.status_code == 404, response.status_code
            return ""
        if response["Content-Type"] == "application/pdf":
            return "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).replace("\n", "")
        return response.content.decode()
    return fetch


def _drilldown(client, plan):
    html = client.get(reverse("dashboards:records"), {"project": plan.dmp.project.pk}).content.decode()
    assert len(re.findall(r'href="/data/\d+/"', html)) == len(ACCESS) * 2  # every record, to its landing page
    return html


# exit: (how a viewer's client fetches it, who sees the records' links through it)
EXITS = {
    "landing_page": (_landing, set(VIEWERS)),  # the page, its citation line and its JSON-LD
    "api": (_api, set(VIEWERS)),
    "sheet_csv": (_sheet("csv"), set(VIEWERS)),
    "sheet_xlsx": (_sheet("xlsx"), set(VIEWERS)),
    "oai_jpcoar": (_oai("jpcoar_2.0"), None),  # harvesters are everyone
    "oai_datacite": (_oai("oai_datacite"), None),
    "oai_dc": (_oai("oai_dc"), None),
    "madmp": (_page("madmp:madmp-export"), DMP_READERS),
    "dmp_page": (_page("dmp:dmp-detail"), DMP_READERS),
    "dmp_version": (_page("dmp:dmp-version"), DMP_READERS),
    "dmp_diff": (_page("dmp:dmp-diff"), DMP_READERS),
    "dmp_pdf": (_page("dmp:dmp-pdf", lang="en"), DMP_READERS),
    "dashboard_drilldown": (_drilldown, set()),  # titles linking to the landing page, no other link
}


@pytest.mark.parametrize("exit_name", list(EXITS))
def test_data_location_follows_the_rule_and_doi_follows_the_metadata(db, client, exit_name):
    plan = Plan()
    fetch, audience = EXITS[exit_name]
    urls, dois = set(), set()
    for viewer in VIEWERS:
        client.logout()
        if viewer != "anonymous":
            client.force_login(plan.users[viewer])
        text = fetch(client, plan)
        urls |= {(access, viewer) for access in ACCESS if url_of(access) in text}
        dois |= {(access, viewer) for access in ACCESS if doi_of(access) in text}
    as_whom = {v: (v if audience is not None else "anonymous") for v in VIEWERS}
    sees = audience if audience is not None else set(VIEWERS)
    expected_urls = {(a, v) for a in ACCESS for v in VIEWERS if v in sees and as_whom[v] in GETS_DATA[a]}
    assert sorted(urls - expected_urls) == [], "a data location leaks"
    assert sorted(expected_urls - urls) == [], "a data location is missing"
    assert dois == {(a, v) for a in ACCESS for v in sees}


@pytest.mark.parametrize("reader", ["pi", "member", "reviewer", "institution_admin", "funder_officer"])
def test_every_dataset_row_of_a_dmp_opens_for_its_readers(db, client, reader):
    template_load_shipped()
    institution = InstitutionFactory()
    member = user_with_role(Role.RESEARCHER, institution=institution)
    dmp = make_dmp(institution=institution, members=[member])
    project = dmp.project
    ProjectMember.objects.filter(project=project, user=member).update(can_edit=False)
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    records = [make_record(project=project, status=status, librarian=librarian, data_no=f"{i}",
                           metadata_access=metadata_access, access_right="metadata only access")
               for i, (status, metadata_access) in enumerate([
                   ("draft", "open access"), ("submitted", "open access"), ("returned", "closed access"),
                   ("published", "closed access"), ("published", "restricted access"),
                   ("withdrawn", "closed access")])]
    users = {
        "pi": project.pi, "member": member,
        "reviewer": user_with_role(Role.REVIEWER, institution=institution),
        "institution_admin": user_with_role(Role.INSTITUTION_ADMIN, institution=institution),
        "funder_officer": user_with_role(Role.FUNDER_OFFICER, funder=project.program.funder),
    }
    client.force_login(users[reader])
    page = client.get(dmp.get_absolute_url())
    assert page.status_code == 200
    linked = {int(pk) for pk in re.findall(r'href="/data/(\d+)/"', page.content.decode())}
    assert linked == {r.pk for r in records}
    for record in records:
        response = client.get(reverse("metadata:managed-data-detail", args=[record.pk]))
        assert response.status_code == 200, (reader, record.status)
        html = response.content.decode()
        if reader in ("pi", "member"):
            continue  # the record's people
        assert reverse("metadata:managed-data-edit", args=[record.pk]) not in html
        assert 'class="form transition"' not in html
        assert record.repository_url not in html  # closed data: no location for a reader
        assert client.get(reverse("metadata:managed-data-edit", args=[record.pk])).status_code in (302, 403, 404)

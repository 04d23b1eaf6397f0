import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from metadata.models import ManagedData
from portal.models import Role
from tests.factories import ProjectFactory, UserFactory, user_with_role
from tests.metadata.dashboard_factories import bulk_records, record_via_services

pytestmark = pytest.mark.django_db

COMPLIANCE = reverse("dashboards:compliance")
HEADER = ["Japan Grant Number", "Project", "Funder", "Planned in the DMP", "Registered", "Published",
          "Closed, reason stated", "Closed, no reason stated", "Embargo past due", "e-Rad count: Open",
          "e-Rad count: Shared", "e-Rad count: Closed", "e-Rad count: Embargoed"]


def project_rows(client, url=COMPLIANCE, **params):
    response = client.get(url, {**params, "format": "csv", "table": "projects"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == HEADER
    return {row[0]: row[3:] for row in rows[1:]}


def test_per_project_figures_and_e_rad_counts_match_the_records(client):
    project = ProjectFactory(grant_number="JPMJTEST01")
    pi = project.pi
    record_via_services(project)  # published, open
    record_via_services(project, access_right="metadata only access", remarks_ja="個人情報を含むため")
    record_via_services(project, access_right="metadata only access")  # closed, no reason
    record_via_services(project, state="submitted", access_right="restricted access")
    record_via_services(project, state="draft")
    past_due = record_via_services(project, access_right="embargoed access",
                                   embargo_until=timezone.localdate() + datetime.timedelta(days=10))
    ManagedData.objects.filter(pk=past_due.pk).update(embargo_until=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(pi)
    rows = project_rows(client)
    # planned, registered, published, closed with / without reason, embargo due, e-Rad open/shared/closed/embargoed
    assert rows["JPMJTEST01"] == ["6", "5", "4", "1", "1", "1", "1", "1", "2", "1"]
    assert rows["All projects"] == rows["JPMJTEST01"]
    html = client.get(COMPLIANCE, headers={"accept-language": "en"}).content.decode()
    assert "JPMJTEST01" in html and "<svg" in html


def test_researchers_see_only_their_own_projects(client):
    mine, theirs = ProjectFactory(), ProjectFactory()
    bulk_records([mine, theirs], 6)
    client.force_login(mine.pi)
    rows = project_rows(client)
    assert set(rows) == {mine.grant_number, "All projects"}
    assert rows["All projects"][0] == "3"
    client.logout()
    assert client.get(COMPLIANCE).status_code == 302


def test_institution_and_funder_scopes_count_only_their_projects(client):
    project, other = ProjectFactory(), ProjectFactory()
    bulk_records([project, other], 8)
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN, institution=project.institution))
    rows = project_rows(client, reverse("dashboards:institution-compliance", args=[project.institution_id]))
    assert set(rows) == {project.grant_number, "All projects"} and rows["All projects"][0] == "4"
    client.force_login(user_with_role(Role.FUNDER_OFFICER, funder=other.program.funder))
    rows = project_rows(client, reverse("dashboards:funder-compliance", args=[other.program.funder.code]))
    assert set(rows) == {other.grant_number, "All projects"} and rows["All projects"][0] == "4"


@pytest.mark.parametrize("size", [10, 10_000])
def test_compliance_query_count_does_not_grow_with_records_or_projects(client, django_assert_num_queries, size):
    pi = UserFactory()
    projects = [ProjectFactory(pi=pi) for _ in range(3 if size == 10 else 60)]
    bulk_records(projects, size)
    client.force_login(pi)
    # session, user, 3 totals (states by access right, closed without a reason, embargoes past due: each
    # from its own narrow index), count and page of projects, funder choices, the navigation's roles, the
    # unread-notification count
    with django_assert_num_queries(10):
        assert client.get(COMPLIANCE).status_code == 200

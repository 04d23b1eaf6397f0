"""Dashboard 4, DMP review: figures on a known set, the percentiles, constant query count, scope and
drill-down visibility, CSV = table."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from dmp.models import DMP, DMPStatus, DMPTransition, Project
from dmp.services import dmp_transition
from portal.models import Role
from tests.factories import (
    DepartmentFactory,
    FundingProgramFactory,
    InstitutionFactory,
    UserFactory,
    user_with_role,
)

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dmp:dashboard-review")
DMPS = reverse("dmp:dashboard-review-dmps")
EN = {"accept-language": "en"}


def table(client, name, **params):
    response = client.get(DASHBOARD, {**params, "format": "csv", "table": name}, headers=EN)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def submitted(dmp, *, waiting_days):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    DMP.objects.filter(pk=dmp.pk).update(submitted_at=days_ago(waiting_days))
    return dmp


def approved(dmp, reviewer, *, days):
    """Submitted, sent back, resubmitted and approved; the round took `days` days."""
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="データの保存先を")
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    approval = DMPTransition.objects.get(dmp=dmp, action="approve")
    DMPTransition.objects.filter(pk=approval.pk).update(round_started_at=approval.at - datetime.timedelta(days=days))
    return dmp


@pytest.fixture
def known_set(templates, institution, reviewer):
    """Department A: approvals after 4, 10, 20 and 40 days, one draft. Department B: waiting 3, 10, 45 and
    100 days, one withdrawn. No department: one draft."""
    a = DepartmentFactory(institution=institution, name_ja="A研究科", name_en="A school")
    b = DepartmentFactory(institution=institution, name_ja="B研究科", name_en="B school")
    for days in (4, 10, 20, 40):
        approved(make_dmp(institution=institution, department=a), reviewer, days=days)
    make_dmp(institution=institution, department=a)
    for days in (3, 10, 45, 100):
        submitted(make_dmp(institution=institution, department=b), waiting_days=days)
    withdrawn = make_dmp(institution=institution, department=b)
    dmp_transition(dmp_id=withdrawn.pk, action="withdraw", actor=withdrawn.project.pi)
    make_dmp(institution=institution)
    return {"a": a, "b": b}


def test_figures_of_a_known_set(client, known_set, reviewer):
    client.force_login(reviewer)
    assert table(client, "by-state") == [
        ["State", "DMPs"], ["Draft", "2"], ["Submitted", "4"], ["Changes requested", "0"], ["Approved", "4"],
        ["Withdrawn", "1"], ["All DMPs", "11"]]
    assert table(client, "backlog") == [
        ["Waiting", "DMPs"], ["Under 7 days", "1"], ["7–30 days", "1"], ["30–90 days", "1"], ["Over 90 days", "1"],
        ["All waiting", "4"]]
    rows = table(client, "by-department")
    assert rows[0] == ["Department", "Institution", "Draft", "Submitted", "Changes requested", "Approved",
                       "Withdrawn", "DMPs", "Waiting under 7 days", "Waiting 7–30 days", "Waiting 30–90 days",
                       "Waiting over 90 days", "Approvals", "Median days to approval",
                       "90th percentile of days to approval"]
    name = known_set["a"].institution.name
    # median of 4, 10, 20, 40 = 15; 90th percentile = 20 + 0.7 × (40 − 20) = 34
    assert rows[1] == ["A school", name, "1", "0", "0", "4", "0", "5", "0", "0", "0", "0", "4", "15.0", "34.0"]
    assert rows[2] == ["B school", name, "0", "4", "0", "0", "1", "5", "1", "1", "1", "1", "0", "", ""]
    assert rows[3] == ["No department", "", "1", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "", ""]
    assert rows[4] == ["All departments", "", "2", "4", "0", "4", "1", "11", "1", "1", "1", "1", "4", "15.0", "34.0"]
    html = client.get(DASHBOARD, headers=EN).content.decode()
    assert "<svg" in html and "median 15.0, 90th percentile 34.0" in html


def test_the_csv_carries_the_figures_of_the_table(client, known_set, reviewer):
    client.force_login(reviewer)
    response = client.get(DASHBOARD, headers=EN)
    for shown in response.context["tables"]:
        rows = table(client, shown.name)
        assert rows[1:] == [[cell["text"].replace("—", "").replace(",", "") for cell in row]
                            for row in shown.body() + [shown.foot()]]


def test_an_approval_counts_from_the_first_submission_of_its_round(templates, institution, reviewer):
    dmp = make_dmp(institution=institution)
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="追記を")
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    first = DMPTransition.objects.filter(dmp=dmp, action="submit").earliest("at")
    assert DMPTransition.objects.get(dmp=dmp, action="approve").round_started_at == first.at
    dmp_transition(dmp_id=dmp.pk, action="revise", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    second = DMPTransition.objects.filter(dmp=dmp, action="submit").latest("at")
    assert DMPTransition.objects.filter(dmp=dmp, action="approve").latest("at").round_started_at == second.at


def test_scopes_and_drill_downs(client, templates, institution, reviewer):
    other_institution = InstitutionFactory()
    program = FundingProgramFactory()
    mine = submitted(make_dmp(institution=institution), waiting_days=2)
    theirs = submitted(make_dmp(institution=other_institution, program=program), waiting_days=2)
    client.force_login(reviewer)
    assert table(client, "by-state")[-1] == ["All DMPs", "1"]
    page = client.get(DMPS, {"state": "submitted"}).context["page"]
    assert [d.pk for d in page] == [mine.pk]
    assert [d.pk for d in client.get(DMPS, {"age": "lt7"}).context["page"]] == [mine.pk]

    client.force_login(user_with_role(Role.INSTITUTION_ADMIN, institution=other_institution))
    assert [d.pk for d in client.get(DMPS).context["page"]] == [theirs.pk]
    client.force_login(user_with_role(Role.FUNDER_OFFICER, funder=program.funder))
    assert table(client, "by-state")[-1] == ["All DMPs", "1"]
    assert [d.pk for d in client.get(DMPS).context["page"]] == [theirs.pk]
    client.force_login(UserFactory(is_superuser=True))
    assert table(client, "by-state")[-1] == ["All DMPs", "2"]
    assert {d.pk for d in client.get(DMPS).context["page"]} == {mine.pk, theirs.pk}
    assert table(client, "by-state", funder=program.funder.code)[-1] == ["All DMPs", "1"]

    # Researchers and librarians follow no review figures: the pages are not there for them.
    client.force_login(mine.project.pi)
    assert client.get(DASHBOARD).status_code == 404
    assert client.get(DMPS).status_code == 404
    client.logout()
    assert client.get(DASHBOARD).status_code == 302
    assert client.get(DMPS, {"department": "x"}).status_code == 302


def test_a_malformed_drill_down_link_is_a_400(client, reviewer):
    client.force_login(reviewer)
    assert client.get(DMPS, {"department": "abc"}).status_code == 400


def test_the_index_links_the_dashboard_for_reviewers_only(client, reviewer):
    index = reverse("portal:dashboards")
    client.force_login(reviewer)
    assert DASHBOARD in client.get(index).content.decode()
    client.force_login(UserFactory())
    assert DASHBOARD not in client.get(index).content.decode()


def _bulk_dmps(n, *, institution, department, template, pi):
    program = FundingProgramFactory()
    start = Project.objects.count()
    projects = Project.objects.bulk_create([
        Project(institution=institution, department=department, program=program, pi=pi,
                grant_number=f"JPBULK{start + i:07d}", name_ja="課題", research_field="289") for i in range(n)])
    states = [DMPStatus.DRAFT, DMPStatus.SUBMITTED, DMPStatus.APPROVED, DMPStatus.CHANGES_REQUESTED]
    dmps = [DMP(project=p, template=template, created_by=pi, status=states[i % 4], submitted_at=days_ago(i % 120))
            for i, p in enumerate(projects)]
    DMP.objects.bulk_create(dmps, batch_size=2000)
    DMPTransition.objects.bulk_create([
        DMPTransition(dmp=d, actor=pi, action="approve", from_status="submitted", to_status="approved",
                      at=days_ago(1), round_started_at=days_ago(1 + i % 60))
        for i, d in enumerate(dmps) if d.status == DMPStatus.APPROVED], batch_size=2000)


@pytest.mark.parametrize("size", [10, 10_000])
def test_query_count_is_the_same_at_10_and_10_000_dmps(client, templates, institution, reviewer,
                                                       django_assert_num_queries, size):
    pi = UserFactory()
    template = next(iter(templates.values()))
    for _i in range(5):
        _bulk_dmps(size // 5, institution=institution, department=DepartmentFactory(institution=institution),
                   template=template, pi=pi)
    client.force_login(reviewer)
    # session, user, permission, 3 figures (by department, approvals by department, approvals overall),
    # the departments' names, the funder choices, the navigation's roles and the unread-notification count
    # (the CSV renders neither)
    with django_assert_num_queries(10):
        response = client.get(DASHBOARD)
    assert response.context["tables"][0].footer["count"] == size
    assert "All funders" in response.content.decode()
    with django_assert_num_queries(7):
        assert client.get(DASHBOARD, {"format": "csv", "table": "by-department"}).status_code == 200


def test_a_same_day_approval_shows_zero_days_not_a_dash(client, templates, institution, reviewer):
    dmp = complete(make_dmp(institution=institution))
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    client.force_login(reviewer)
    page = client.get(DASHBOARD, headers=EN).content.decode()
    assert "over 1 approvals: median 0.0, 90th percentile 0.0." in page

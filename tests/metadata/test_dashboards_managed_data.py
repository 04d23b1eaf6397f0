import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from metadata.models import ManagedData
from metadata.selectors import dmp_dataset_rows, dmp_dataset_snapshot
from metadata.services import managed_data_new_version, managed_data_transition, managed_data_update
from portal.models import Role
from tests.factories import FunderFactory, InstitutionFactory, ProjectFactory, UserFactory, user_with_role
from tests.metadata.dashboard_factories import bulk_records, record_via_services
from tests.policy.factories import FundingProgramFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboards:managed-data")
BREAKDOWNS = ("year", "field", "funder", "program", "institution")


def csv_rows(client, url, **params):
    response = client.get(url, {**params, "format": "csv"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def drilldown_links(page_html: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="(/dashboards/records/\?[^"]*)"', page_html)]


def listed_record_ids(client, url) -> set[int]:
    ids, page = set(), 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200
        ids |= {int(pk) for pk in re.findall(r'href="/data/(\d+)/"', response.content.decode())}
        if not response.context["page"].has_next():
            return ids
        page += 1


@pytest.fixture
def projects():
    jst = FunderFactory(code="JST")
    return [ProjectFactory(program=FundingProgramFactory(funder=jst), research_field="289"),
            ProjectFactory(research_field="900")]


def test_counts_by_access_right_with_doi_share_count_only_published_records(client, projects):
    bulk_records(projects, 8)  # two of each access right; DOIs on records 0, 3, 6
    bulk_records(projects, 3, status="draft")
    rows = csv_rows(client, DASHBOARD, table="by-access-right")
    assert rows[1:] == [["Open", "2", "25.0"], ["Shared", "2", "25.0"],
                        ["Closed", "2", "25.0"], ["Embargoed", "2", "25.0"],
                        ["All records", "8", ""]]
    page = client.get(DASHBOARD, headers={"accept-language": "en"}).content.decode()
    assert "3 of 8 records carry a DOI (37.5 %)." in page


@pytest.mark.parametrize("by", BREAKDOWNS)
def test_every_breakdown_adds_up_to_the_same_totals_in_csv(client, projects, by):
    bulk_records(projects, 40)
    rows = csv_rows(client, DASHBOARD, by=by, table=f"by-{by}")
    body, footer = rows[1:-1], rows[-1]
    assert footer[0] == "All records" and footer[5:8] == ["0", "40", "14"]
    assert sum(int(r[6]) for r in body) == 40  # the "Records" column


def test_field_breakdown_resolves_the_projects_field(client, projects):
    bulk_records(projects, 4)  # records 1, 3 take the project's field; 0, 2 say Life Science (189)
    rows = csv_rows(client, DASHBOARD, by="field", table="by-field")
    assert {r[0]: r[6] for r in rows[1:-1]} == {"Life Science": "2", "Humanities & Social Sciences": "2"}


def test_funder_filter_applies_to_every_table(client, projects):
    bulk_records(projects, 10)
    jst_only = csv_rows(client, DASHBOARD, funder="JST", by="program", table="by-program")
    assert jst_only[-1][6] == "5" and len(jst_only) == 3
    assert csv_rows(client, DASHBOARD, funder="JST", table="by-access-right")[-1][1] == "5"


def test_upcoming_embargo_ends_by_month(client, projects):
    today = timezone.localdate()
    bulk_records(projects, 8)  # records 3 and 7 are embargoed, ending in 33 and 37 days
    ends = csv_rows(client, DASHBOARD, table="embargo-ends")
    assert sum(int(r[1]) for r in ends[1:]) == 2
    assert ends[1][0] == (today + datetime.timedelta(days=33)).strftime("%Y-%m")


@pytest.mark.parametrize("by", BREAKDOWNS)
@pytest.mark.parametrize("size", [10, 10_000])
def test_managed_data_dashboard_query_count_does_not_grow_with_the_records(
        client, django_assert_num_queries, projects, by, size):
    bulk_records(projects, size)
    queries = {"year": 3, "field": 3, "funder": 4, "program": 4, "institution": 4}[by]
    with django_assert_num_queries(queries):  # grouping, names, embargo ends, funder choices
        assert client.get(DASHBOARD, {"by": by}).status_code == 200


@pytest.mark.parametrize("size", [10, 10_000])
def test_institution_dashboard_and_drilldown_query_counts_do_not_grow(client, django_assert_num_queries, size):
    project = ProjectFactory()
    bulk_records([project], size)
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN, institution=project.institution))
    url = reverse("dashboards:institution", args=[project.institution_id])
    # session, user, institution, role check, figures (2), policy, form, the navigation's roles, unread count
    with django_assert_num_queries(10):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(8):  # session, user, institution, role check, count, page, roles, unread
        assert client.get(reverse("dashboards:records"), {"scope": f"institution:{project.institution_id}",
                                                          "access": "open"}).status_code == 200


@pytest.fixture
def visibility_world():
    """Records of every visibility at two institutions."""
    home, away = InstitutionFactory(), InstitutionFactory()
    home_project, away_project = ProjectFactory(institution=home), ProjectFactory(institution=away)
    records = {
        "open": record_via_services(home_project),
        "restricted_metadata": record_via_services(home_project, metadata_access="restricted access",
                                                   access_right="restricted access"),
        "closed_metadata": record_via_services(home_project, metadata_access="closed access",
                                               access_right="metadata only access"),
        "draft": record_via_services(home_project, state="draft"),
        "away_open": record_via_services(away_project, access_right="embargoed access",
                                         embargo_until=timezone.localdate() + datetime.timedelta(days=40)),
        "away_closed": record_via_services(away_project, metadata_access="closed access"),
    }
    return home, away, records


@pytest.mark.parametrize("viewer", ["anonymous", "home_admin", "home_researcher", "away_librarian", "stranger"])
def test_drilldowns_never_list_a_record_the_viewer_may_not_see(client, visibility_world, viewer):
    home, away, records = visibility_world
    user = {
        "anonymous": None,
        "home_admin": user_with_role(Role.INSTITUTION_ADMIN, institution=home),
        "home_researcher": user_with_role(Role.RESEARCHER, institution=home),
        "away_librarian": user_with_role(Role.LIBRARIAN, institution=away),
        "stranger": UserFactory(),
    }[viewer]
    if user:
        client.force_login(user)
    pages = [f"{DASHBOARD}?by={by}" for by in BREAKDOWNS]
    if viewer == "home_admin":
        pages += [reverse("dashboards:institution", args=[home.pk]) + f"?by={by}" for by in BREAKDOWNS]
        pages.append(reverse("dashboards:institution-compliance", args=[home.pk]))
    links = {link for page in pages for link in drilldown_links(client.get(page).content.decode())}
    assert links
    visible = set(ManagedData.objects.visible_to(user or UserFactory.build()).values_list("pk", flat=True)) \
        if user else set(ManagedData.objects.public().values_list("pk", flat=True))
    listed = set().union(*(listed_record_ids(client, link) for link in links))
    assert listed <= visible
    assert records["open"].pk in listed  # the drill-downs do list what may be seen
    if viewer == "anonymous":
        assert records["restricted_metadata"].pk not in listed and records["away_closed"].pk not in listed


@pytest.mark.parametrize(("viewer", "expected"), [
    ("own_admin", 200), ("other_admin", 404), ("own_librarian", 404), ("own_researcher", 404),
    ("funder_officer", 404), ("operator", 200),
])
def test_institution_admin_sees_only_their_own_institutions_dashboard(client, viewer, expected):
    institution = InstitutionFactory()
    user = {
        "own_admin": lambda: user_with_role(Role.INSTITUTION_ADMIN, institution=institution),
        "other_admin": lambda: user_with_role(Role.INSTITUTION_ADMIN),
        "own_librarian": lambda: user_with_role(Role.LIBRARIAN, institution=institution),
        "own_researcher": lambda: user_with_role(Role.RESEARCHER, institution=institution),
        "funder_officer": lambda: user_with_role(Role.FUNDER_OFFICER),
        "operator": lambda: UserFactory(is_superuser=True),
    }[viewer]()
    client.force_login(user)
    for name in ("dashboards:institution", "dashboards:institution-compliance"):
        assert client.get(reverse(name, args=[institution.pk])).status_code == expected
    drilldown = client.get(reverse("dashboards:records"), {"scope": f"institution:{institution.pk}"})
    assert drilldown.status_code == expected


def test_funder_officer_sees_only_their_funders_dashboard(client):
    jst, amed = FunderFactory(code="JST"), FunderFactory(code="AMED")
    client.force_login(user_with_role(Role.FUNDER_OFFICER, funder=jst))
    assert client.get(reverse("dashboards:funder", args=["JST"])).status_code == 200
    assert client.get(reverse("dashboards:funder-compliance", args=["JST"])).status_code == 200
    assert client.get(reverse("dashboards:funder", args=[amed.code])).status_code == 404
    client.logout()
    assert client.get(reverse("dashboards:funder", args=["JST"])).status_code == 302


def test_malformed_drilldown_link_is_a_clear_400(client):
    response = client.get(reverse("dashboards:records"), {"by": "program", "value": "abc"},
                          headers={"accept-language": "en"})
    assert response.status_code == 400 and b"malformed" in response.content


@pytest.mark.parametrize("size", [10, 10_000])
def test_funder_dashboard_query_count_does_not_grow(client, django_assert_num_queries, projects, size):
    bulk_records(projects, size)
    client.force_login(user_with_role(Role.FUNDER_OFFICER, funder=projects[0].program.funder))
    url = reverse("dashboards:funder", args=["JST"])
    # session, user, funder, role check, grouping, names, embargo ends, the navigation's roles, unread count
    with django_assert_num_queries(9):
        assert client.get(url, {"by": "program"}).status_code == 200


@pytest.mark.parametrize("by", ["funder", "program"])
def test_a_write_that_clears_the_program_copy_leaves_the_record_counted(client, projects, by):
    bulk_records(projects, 4)
    ManagedData.objects.filter(pk=ManagedData.objects.first().pk).update(program=None, funder=None)
    response = client.get(DASHBOARD, {"by": by})
    assert response.status_code == 200
    assert sum(int(r[6]) for r in csv_rows(client, DASHBOARD, by=by, table=f"by-{by}")[1:-1]) == 4


def test_a_record_with_several_versions_counts_once_as_its_latest_version(client):
    """National, institution and compliance figures, their drill-downs, the DMP's dataset table and its
    maDMP count a record with versions once: as its newest published version (its first before any)."""
    project = ProjectFactory(grant_number="JPMJVERS01")
    librarian = user_with_role(Role.LIBRARIAN, institution=project.institution)
    first = record_via_services(project, librarian=librarian, access_right="open access")
    second = managed_data_new_version(record_id=first.pk, actor=project.pi)
    managed_data_update(record_id=second.pk, actor=project.pi, data={"access_right": "metadata only access"})
    for action, actor in (("submit", project.pi), ("publish", librarian)):
        managed_data_transition(record_id=second.pk, action=action, actor=actor)
    third = managed_data_new_version(record_id=second.pk, actor=project.pi)  # a draft under way
    admin = user_with_role(Role.INSTITUTION_ADMIN, institution=project.institution)

    def figures():
        national = {row[0]: row[1] for row in csv_rows(client, DASHBOARD, table="by-access-right")[1:]}
        institution = csv_rows(client, reverse("dashboards:institution", args=[project.institution_id]),
                               table="by-access-right")
        compliance = csv_rows(client, reverse("dashboards:institution-compliance", args=[project.institution_id]),
                              table="projects")
        drilldown = listed_record_ids(
            client, reverse("dashboards:records") + f"?scope=institution:{project.institution_id}")
        return national, institution[-1][1], [r[3:6] for r in compliance if r[0] == "JPMJVERS01"][0], drilldown

    client.force_login(admin)
    national, institution_total, compliance, drilldown = figures()
    assert (national["All records"], national["Closed"], national["Open"]) == ("1", "1", "0")
    assert institution_total == "1"
    assert compliance == ["1", "1", "1"]  # planned, registered, published
    assert drilldown == {second.pk}
    rows = dmp_dataset_rows(project=project, viewer=project.pi)
    assert [row["pk"] for row in rows] == [second.pk]
    assert [row["pk"] for row in dmp_dataset_snapshot(project=project)] == [second.pk]

    # Withdrawn, the second version no longer stands for the record: the first does again.
    managed_data_transition(record_id=second.pk, action="withdraw", actor=librarian, message="Wrong files")
    national, institution_total, compliance, drilldown = figures()
    assert (national["All records"], national["Open"]) == ("1", "1")
    assert drilldown == {first.pk}
    assert ManagedData.objects.filter(latest_version=True, pk__in=[first.pk, second.pk, third.pk]).count() == 1


@pytest.mark.parametrize("params", [{"embargo_month": "2024-13"}, {"project": "abc"}, {"by": "year", "value": "x"},
                                    {"by": "institution", "value": "1.5"}])
def test_every_malformed_drilldown_parameter_is_a_clear_400(client, params):
    response = client.get(reverse("dashboards:records"), params, headers={"accept-language": "en"})
    assert response.status_code == 400 and b"malformed" in response.content


def test_an_unknown_access_right_breakdown_or_filter_in_a_drilldown_link_is_ignored(client):
    record_via_services(ProjectFactory())
    response = client.get(reverse("dashboards:records"), {"access": "nonsense", "by": "colour", "value": "x",
                                                          "fiscal_year": "abc", "funder": "NOPE"})
    assert response.status_code == 200 and len(re.findall(r'href="/data/(\d+)/"', response.content.decode())) == 1


def test_the_index_lists_the_dashboards_of_every_app_that_the_viewer_may_open(client):
    institution = InstitutionFactory(name_en="Kita University")
    titles = ["Data-policy adoption", "DMP requirements of funding programs", "Managed data"]

    def listed():
        page = client.get(reverse("portal:dashboards"), headers={"accept-language": "en"}).content.decode()
        return [html.unescape(t) for t in re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', page)]

    assert listed() == titles
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN, institution=institution))
    assert listed() == [*titles, "DMP compliance", "DMP review", "Institution dashboard: Kita University"]
    client.force_login(user_with_role(Role.INSTITUTION_ADMIN, institution=institution, preferred_language="ja"))
    page = client.get(reverse("portal:dashboards")).content.decode()
    assert "機関ダッシュボード：" in page and "2025年度100 %の目標" in page

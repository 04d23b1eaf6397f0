import csv
import datetime
import io
import re

import pytest
from django.urls import reverse

from policy.models import DataPolicy, FundingProgram, ProgramRequirement
from portal.models import Institution
from tests.factories import FunderFactory, InstitutionFactory
from tests.policy.factories import FundingProgramFactory, ProgramRequirementFactory

pytestmark = pytest.mark.django_db

ADOPTION = reverse("policy:dashboard-policy-adoption")
REQUIREMENTS = reverse("policy:dashboard-program-requirements")


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def table_row(html: str, header: str) -> list[str]:
    """The cells of the table row whose header cell reads `header`, tags stripped."""
    match = re.search(r'<tr><th scope="row">(?:<a [^>]*>)?' + re.escape(header) + r"(?:</a>)?</th>(.*?)</tr>", html)
    assert match, f"no row {header!r}"
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))]


def test_demo_requirement_dashboard_shows_78_percent_for_fy2023_in_table_chart_and_csv(client, demo):
    response = client.get(REQUIREMENTS, {"fiscal_year": 2023}, headers={"accept-language": "en"})
    html = response.content.decode()
    # Fiscal year, programs, required, partly, adopted, not adopted, metadata required, rate
    assert table_row(html, "FY2023") == ["141", "97", "13", "110", "31", "97", "78.0\u00a0%"]
    assert table_row(html, "All funders") == ["141", "97", "13", "110", "31", "97", "78.0\u00a0%"]
    assert "<svg" in html and "FY2023: Partly required 13" in html

    by_year = rows_of(client.get(REQUIREMENTS, {"fiscal_year": 2023, "format": "csv", "table": "by-year"},
                                 headers={"accept-language": "en"}))
    assert by_year[0][0] == "Fiscal year"
    assert ["FY2023", "141", "97", "13", "110", "31", "97", "78.0"] in by_year
    by_funder = rows_of(client.get(REQUIREMENTS, {"fiscal_year": 2023, "format": "csv", "table": "by-funder"},
                                   headers={"accept-language": "en"}))
    assert by_funder[-1] == ["All funders", "141", "97", "13", "110", "31", "97", "78.0"]


def test_demo_adoption_dashboard_shows_every_corporation_and_agency_adopted(client, demo):
    html = client.get(ADOPTION, headers={"accept-language": "en"}).content.decode()
    # Kind, institutions, adopted, without, rate, target
    assert table_row(html, "Inter-university research institute corporation")[:4] == ["4", "4", "0", "100.0\u00a0%"]
    assert table_row(html, "National research and development agency")[:4] == ["24", "24", "0", "100.0\u00a0%"]
    rows = rows_of(client.get(ADOPTION, {"format": "csv"}, headers={"accept-language": "en"}))
    assert ["Inter-university research institute corporation", "4", "4", "0", "100.0", "100.0"] in rows
    assert ["National research and development agency", "24", "24", "0", "100.0", "100.0"] in rows
    missing = rows_of(client.get(ADOPTION, {"format": "csv", "table": "without-policy"}))
    assert len(missing) - 1 == sum(int(r[3]) for r in rows[1:-1])  # the list matches the "without" figures


def test_adoption_counts_policies_adopted_by_the_end_of_the_chosen_fiscal_year(client):
    early, late = InstitutionFactory(), InstitutionFactory()
    InstitutionFactory()  # never adopted
    for institution, day in ((early, datetime.date(2022, 3, 31)), (late, datetime.date(2022, 4, 1))):
        DataPolicy.objects.create(institution=institution, title_ja="ポリシー", status="superseded", adopted_on=day)
    rows = rows_of(client.get(ADOPTION, {"fiscal_year": 2021, "format": "csv"}, headers={"accept-language": "en"}))
    assert rows[1][:5] == ["National university", "3", "1", "2", "33.3"]
    rows = rows_of(client.get(ADOPTION, {"fiscal_year": 2022, "format": "csv"}, headers={"accept-language": "en"}))
    assert rows[1][:5] == ["National university", "3", "2", "1", "66.7"]


def test_filters_apply_to_chart_table_and_csv_alike(client):
    jst, amed = FunderFactory(code="JST"), FunderFactory(code="AMED")
    for funder, levels in ((jst, ["yes", "yes", "no"]), (amed, ["partly", "no"])):
        for level in levels:
            ProgramRequirementFactory(program=FundingProgramFactory(funder=funder), dmp_required=level)
    html = client.get(REQUIREMENTS, {"funder": "JST"}, headers={"accept-language": "en"}).content.decode()
    assert table_row(html, "FY2023") == ["3", "2", "0", "2", "1", "3", "66.7\u00a0%"]
    assert "FY2023: Required 2" in html and "FY2023: Not adopted 1" in html  # the chart's bars
    rows = rows_of(client.get(REQUIREMENTS, {"funder": "JST", "format": "csv", "table": "by-year"}))
    assert rows[1][1:] == ["3", "2", "0", "2", "1", "3", "66.7"]


def test_kind_filter_limits_the_adoption_figures(client):
    InstitutionFactory(kind=Institution.Kind.PRIVATE_UNIVERSITY)
    InstitutionFactory(kind=Institution.Kind.NATIONAL_UNIVERSITY)
    rows = rows_of(client.get(ADOPTION, {"kind": "private_university", "format": "csv"},
                              headers={"accept-language": "en"}))
    assert [r[0] for r in rows] == ["Kind of institution", "Private university", "All kinds"]


def test_bad_filter_is_reported_not_a_server_error(client):
    response = client.get(REQUIREMENTS, {"fiscal_year": "next", "funder": "NOPE"}, headers={"accept-language": "en"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"fiscal_year", "funder"}
    assert client.get(REQUIREMENTS, {"format": "csv", "table": "nope"}).status_code == 404


def test_chart_is_inline_svg_without_style_attributes_so_the_csp_holds(client):
    ProgramRequirementFactory()
    response = client.get(REQUIREMENTS)
    svg = re.search(r"<svg.*?</svg>", response.content.decode(), re.S).group(0)
    assert "style" not in svg and "<script" not in svg and 'role="img"' in svg
    assert "style-src 'self'" in response["Content-Security-Policy"]


def _programs(count: int) -> None:
    funder = FunderFactory()
    programs = FundingProgram.objects.bulk_create(
        FundingProgram(funder=funder, name_ja=f"プログラム{i}") for i in range(count // 2))
    ProgramRequirement.objects.bulk_create(
        ProgramRequirement(program=p, fiscal_year=year, dmp_required=("yes", "partly", "no")[p.pk % 3])
        for p in programs for year in (2022, 2023))


def _institutions(count: int) -> None:
    institutions = Institution.objects.bulk_create(
        Institution(name_ja=f"機関{i}", code=f"Q{i:09d}", kind=Institution.Kind.choices[i % 6][0])
        for i in range(count))
    DataPolicy.objects.bulk_create(
        DataPolicy(institution=inst, title_ja="ポリシー", status="adopted", adopted_on=datetime.date(2022, 1, 1))
        for inst in institutions[::2])


@pytest.mark.parametrize("size", [10, 10_000])
def test_requirement_dashboard_query_count_does_not_grow_with_the_programs(client, django_assert_num_queries, size):
    _programs(size)
    # by year, by funder, the funder filter's choices, the fiscal years
    with django_assert_num_queries(4):
        assert client.get(REQUIREMENTS, {"fiscal_year": 2023}).status_code == 200


@pytest.mark.parametrize("size", [10, 10_000])
def test_adoption_dashboard_query_count_does_not_grow_with_the_institutions(client, django_assert_num_queries, size):
    _institutions(size)
    with django_assert_num_queries(2):  # counts by kind, institutions without a policy
        assert client.get(ADOPTION, {"kind": "other"}).status_code == 200

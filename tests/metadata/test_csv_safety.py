"""Every CSV the portal writes is safe to open in a spreadsheet program: a cell starting with `=`, `+`, `-`,
`@`, a tab or a carriage return is prefixed with `'` (OWASP CSV injection), and the sheet import reads the
exported file back unchanged."""

import csv
import io
import re

import pytest
from django.db.models import Value
from django.db.models.functions import Concat
from django.urls import reverse
from openpyxl import load_workbook

from dmp.models import Project
from metadata.models import ManagedData
from metadata.sheet.selectors import sheet_records
from metadata.sheet.services import sheet_export_xlsx, sheet_import_file
from policy.models import FundingProgram
from portal.models import Funder, Institution, User
from portal.spreadsheets import csv_escape, csv_unescape

pytest_plugins = ["tests.metadata.oai.fixtures"]

RESEARCHER = "researcher@demo.example.ac.jp"
OPERATOR = "operator@demo.example.ac.jp"
FORMULA = re.compile(r"^[=+\-@\t\r]")
HOSTILE = {"title_ja": '=HYPERLINK("http://x","y")', "title_en": "-1+2", "description_en": "@SUM(A1)",
           "remarks_ja": "+81 3 1234", "remarks_en": "'=already quoted"}


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _cells(rows):
    return [cell for row in rows for cell in row]


def _assert_safe(rows):
    unsafe = [cell for cell in _cells(rows) if FORMULA.match(cell)]
    assert unsafe == []


@pytest.fixture
def hostile_record(demo):
    record = ManagedData.objects.filter(status="draft", project__pi__email=RESEARCHER).first()
    ManagedData.objects.filter(pk=record.pk).update(**HOSTILE)
    return record


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "'=x", "''+x", "'x", "x=1", "", "-"])
def test_escaping_neutralises_formulas_and_is_undone_exactly(value):
    escaped = csv_escape(value)
    assert not FORMULA.match(escaped)
    assert csv_unescape(escaped) == value


@pytest.mark.parametrize(("language", "layout_name"), [("ja", "official"), ("en", "official"), ("ja", "portal")])
def test_the_sheet_csv_neutralises_formulas_and_reimports_without_change(client, hostile_record, language,
                                                                         layout_name):
    user = User.objects.get(email=RESEARCHER)
    client.force_login(user)
    response = client.get("/data/sheet/export/", {"file": "csv", "language": language, "layout": layout_name})
    rows = _rows(response.content)
    _assert_safe(rows)
    cells = _cells(rows)
    shown = {"ja": ['\'=HYPERLINK("http://x","y")', "'+81 3 1234"], "en": ["'-1+2", "'@SUM(A1)"]}
    assert set(shown[language] if layout_name == "official" else shown["ja"] + shown["en"]) <= set(cells)
    if layout_name == "portal":
        assert "''=already quoted" in cells
    before = ManagedData.history.count()
    result = sheet_import_file(user=user, content=response.content, filename="sheet.csv", dry_run=False,
                               language=language)
    assert result.errors == [] and (result.created, result.updated) == ([], [])
    assert ManagedData.history.count() == before
    record = ManagedData.objects.get(pk=hostile_record.pk)
    assert {key: getattr(record, key) for key in HOSTILE} == HOSTILE


def test_the_list_pages_csv_download_is_safe(client, hostile_record):
    client.force_login(User.objects.get(email=RESEARCHER))
    response = client.get(reverse("metadata:managed-data-export", args=["csv"]), {"status": "draft"})
    rows = _rows(response.content)
    _assert_safe(rows)
    assert '\'=HYPERLINK("http://x","y")' in _cells(rows)


def test_the_sheet_xlsx_stores_formula_like_text_as_text(hostile_record):
    user = User.objects.get(email=RESEARCHER)
    content = sheet_export_xlsx(records=sheet_records(user=user), language="ja", layout_name="portal")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and FORMULA.match(c.value)]
    assert {c.value for c in cells} >= {HOSTILE["title_ja"], HOSTILE["title_en"], HOSTILE["description_en"]}
    assert all(c.data_type == "s" for c in cells)


def test_every_dashboard_csv_is_safe(client, demo):
    """Names the dashboards list (institutions, funders, programs, projects) made formula-like; every CSV
    linked from every dashboard page, read as the operator, has no cell that would run."""
    Institution.objects.filter(pk=Institution.objects.order_by("pk").first().pk).update(
        name_en='=HYPERLINK("http://x","y")', name_ja='=HYPERLINK("http://x","y")')
    Funder.objects.update(name_en=Concat(Value("@SUM(A1)"), "code"), name_ja=Concat(Value("@SUM(A1)"), "code"))
    FundingProgram.objects.update(name_en=Concat(Value("-1+2"), "pk"), name_ja=Concat(Value("-1+2"), "pk"))
    Project.objects.update(name_en=Concat(Value("+cmd"), "pk"), name_ja=Concat(Value("+cmd"), "pk"))
    client.force_login(User.objects.get(email=OPERATOR))
    institution, funder = Institution.objects.order_by("pk").first(), Funder.objects.order_by("pk").first()
    pages = [reverse("dashboards:managed-data"), reverse("dashboards:compliance"), reverse("dashboards:records"),
             reverse("dashboards:institution", args=[institution.pk]),
             reverse("dashboards:institution-compliance", args=[institution.pk]),
             reverse("dashboards:funder", args=[funder.code]),
             reverse("dashboards:funder-compliance", args=[funder.code]),
             reverse("policy:dashboard-policy-adoption"), reverse("policy:dashboard-program-requirements"),
             reverse("dmp:dashboard-review")]
    escaped, downloads = set(), 0
    for page in pages:
        html = client.get(page, headers={"accept-language": "en"}).content.decode()
        for query in re.findall(r'href="\?([^"]*format=csv[^"]*)"', html):
            response = client.get(f"{page}?{query.replace('&amp;', '&')}", headers={"accept-language": "en"})
            assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
            rows = _rows(response.content)
            _assert_safe(rows)
            escaped |= {cell for cell in _cells(rows) if cell.startswith("'")}
            downloads += 1
    assert downloads >= len(pages)
    assert '\'=HYPERLINK("http://x","y")' in escaped
    assert {prefix for prefix in ("'@SUM(A1)", "'+cmd") if any(c.startswith(prefix) for c in escaped)} == {
        "'@SUM(A1)", "'+cmd"}

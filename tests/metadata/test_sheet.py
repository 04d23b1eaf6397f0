import ast
import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from metadata.models import ManagedData, RecordPerson
from metadata.sheet.columns import layout
from metadata.sheet.models import SheetImport
from metadata.sheet.selectors import sheet_records
from metadata.sheet.services import (
    _ProgressReporter,
    sheet_export_csv,
    sheet_export_xlsx,
    sheet_import_file,
    sheet_import_job_run,
)
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.metadata.conftest import RESEARCHER, demo_user, sheet_csv, sheet_rows

pytest_plugins = ["tests.metadata.oai_fixtures"]

def _snapshot():
    """Everything an import could change: every record's fields, its people and its history length."""
    return (
        [model_to_dict(r, exclude=["shared_with"]) for r in ManagedData.objects.order_by("pk")],
        [model_to_dict(p) for p in RecordPerson.objects.order_by("pk")],
        ManagedData.history.count(),
    )


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


# --- export --------------------------------------------------------------------------------------------

# metadata-elements.md §6, as GRDM spells the headers (an oracle independent of metadata.sheet.columns)
OFFICIAL_JA = [
    "資金配分機関情報",
    "体系的番号におけるプログラム情報コード",
    "プログラム名",
    "体系的番号",
    "プロジェクト名",
    "データNo.",
    "データの名称",
    "掲載日・掲載更新日",
    "データの説明",
    "データの分野",
    "データ種別",
    "概略データ量",
    "管理対象データの利活用・提供方針 (有償/無償)",
    "管理対象データの利活用・提供方針(ライセンス)",
    "管理対象データの利活用・提供方針(引用方法等)",
    "アクセス権",
    "公開予定日 (公開期間猶予の場合)",
    "リポジトリ情報",
    "リポジトリURL・DOIリンク",
    "データ作成者",
    "データ作成者の研究者番号",
    "データ管理機関",
    "データ管理機関コード",
    "データ管理者",
    "データ管理者の研究者番号",
    "データ管理者の所属組織名",
    "データ管理者の所属機関の連絡先住所",
    "データ管理者の所属機関の連絡先電話番号",
    "データ管理者の所属機関の連絡先メールアドレス",
    "備考",
]
OFFICIAL_EN = [
    "Funder", "Funding stream code in Japan Grant Number", "Program name", "Japan Grant Number", "Project name",
    "Data No.", "Title", "Date (Issued / Updated)", "Description", "Research field", "Data type", "File size",
    "Data utilization and provision policy(Free/Consideration)", "Data utilization and provision policy(License)",
    "Data utilization and provision policy(citation information)", "Access rights",
    "Publication date (for embargoed access)", "Repository information", "Repository URL/ DOI link", "Creator Name",
    "Creator name identifier (e-Rad)", "Hosting institution", "Hosting institution Identifier", "Data manager",
    "Data manager identifier (e-Rad)", "Contact organization of data manager", "Contact address of data manager",
    "Contact phone number of data manager", "Contact mail address of data manager", "Remarks",
]


def _official(rows: list[list[str]], language: str) -> list[dict[str, str]]:
    keys = [k for k, _h in layout(language, language)]
    return [dict(zip(keys, r, strict=True)) for r in rows[1:]]


def test_official_csv_has_bom_one_header_row_and_the_30_official_columns(demo):
    user = demo_user()
    content = sheet_export_csv(records=sheet_records(user=user), language="ja")
    assert content.startswith("\ufeff".encode())
    rows = _csv_rows(content)
    assert rows[0] == OFFICIAL_JA
    assert all(len(r) == 30 for r in rows)
    assert "Funder" not in rows[1]
    eeg = next(r for r in _official(rows, "ja") if (r["grant_number"], r["data_no"]) == ("JPMJMS2011", "2"))
    assert eeg["research_field"] == "ライフサイエンス"
    assert eeg["data_type"] == "測定・評価データ"
    assert eeg["access_right"] == "公開"
    assert eeg["creators"] == "実験 次郎;研究 花子"
    assert eeg["creator_numbers"] == "20512345;30413925"
    assert eeg["repository_url"] == "https://doi.org/10.18112/openneuro.ds000001.v1.0.0"
    english = _csv_rows(sheet_export_csv(records=sheet_records(user=user), language="en"))
    assert english[0] == OFFICIAL_EN
    eeg = next(r for r in _official(english, "en") if (r["grant_number"], r["data_no"]) == ("JPMJMS2011", "2"))
    assert (eeg["access_right"], eeg["creators"]) == ("open access", "Jiro Jikken;Hanako Kenkyu")
    assert eeg["title_en"].isascii()


def test_official_workbook_has_a_japanese_and_an_english_sheet(demo):
    user = demo_user()
    workbook = load_workbook(io.BytesIO(sheet_export_xlsx(records=sheet_records(user=user), language="en")))
    assert workbook.sheetnames == ["日本語", "English"]
    ja, en = (list(sheet.iter_rows(values_only=True)) for sheet in workbook.worksheets)
    assert list(ja[0]) == OFFICIAL_JA and list(en[0]) == OFFICIAL_EN
    assert len(ja) == len(en) == ManagedData.objects.visible_to(user).count() + 1


def test_portal_layout_is_optional_and_carries_both_languages(demo):
    user = demo_user()
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user), language="ja", layout_name="portal"))
    assert "データの名称（英語）" in rows[0] and rows[0][-2:] == ["データ管理者の種類", "メタデータのアクセス権"]
    values = [dict(zip([k for k, _h in layout("portal", "ja")], r, strict=True)) for r in rows[1:]]
    eeg = next(r for r in values if (r["grant_number"], r["data_no"]) == ("JPMJMS2011", "2"))
    assert eeg["creators"] == "実験 次郎|Jiro Jikken;研究 花子|Hanako Kenkyu"
    assert eeg["title_en"] and eeg["title_ja"] != eeg["title_en"]


def test_the_page_exports_one_language_per_csv_and_the_portal_layout_on_request(client, demo):
    client.force_login(demo_user())
    english = client.get("/data/sheet/export/", {"file": "csv", "language": "en"})
    assert _csv_rows(english.content)[0] == OFFICIAL_EN
    assert english["Content-Disposition"].startswith('attachment; filename="metadata-sheet-en-')
    portal = client.get("/api/v1/sheet/export/", {"file": "csv", "layout": "portal"})
    assert "データの名称（英語）" in _csv_rows(portal.content)[0]


@pytest.mark.parametrize("email", [RESEARCHER, "researcher2@demo.example.ac.jp", "librarian@demo.example.ac.jp"])
def test_export_holds_exactly_what_the_user_may_see(client, demo, email):
    user = demo_user(email)
    client.force_login(user)
    response = client.get("/data/sheet/export/", {"file": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = _csv_rows(response.content)[1:]
    expected = {(r.project.grant_number, r.data_no) for r in ManagedData.objects.visible_to(user)}
    assert {(r[3], r[5]) for r in rows} == expected
    assert len(rows) == len(expected)


def test_export_needs_sign_in(client, demo):
    assert client.get("/data/sheet/export/", {"file": "csv"}).status_code == 302
    assert client.get("/api/v1/sheet/export/", {"file": "csv"}).status_code in (401, 403)


def test_xlsx_keeps_formula_like_text_as_text(demo):
    user = demo_user()
    record = ManagedData.objects.get(status="draft")
    ManagedData.objects.filter(pk=record.pk).update(remarks_ja="=HYPERLINK(\"http://evil\")")
    content = sheet_export_xlsx(records=sheet_records(user=user, project_id=record.project_id), language="ja")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


# --- round trip ------------------------------------------------------------------------------------------

ROUND_TRIP_USERS = [RESEARCHER, "researcher2@demo.example.ac.jp", "librarian@demo.example.ac.jp",
                    "funder@demo.example.jst.go.jp", "robotics@demo.example.ac.jp"]


@pytest.mark.parametrize(("email", "file", "language", "layout_name"), [
    *((email, "xlsx", "ja", "official") for email in ROUND_TRIP_USERS),
    (RESEARCHER, "csv", "ja", "official"), (RESEARCHER, "csv", "en", "official"), (RESEARCHER, "xlsx", "en", "portal"),
    ("librarian@demo.example.ac.jp", "csv", "en", "official"), ("robotics@demo.example.ac.jp", "csv", "ja", "portal")])
def test_an_exported_file_reimports_as_any_user_with_no_change_and_no_error(demo, email, file, language,
                                                                           layout_name):
    user = demo_user(email, language=language)
    export = sheet_export_xlsx if file == "xlsx" else sheet_export_csv
    content = export(records=sheet_records(user=user), language=language, layout_name=layout_name)
    before = _snapshot()
    result = sheet_import_file(user=user, content=content, filename=f"sheet.{file}", dry_run=False, language=language)
    assert result.errors == []
    assert (result.created, result.updated) == ([], [])
    mine = ManagedData.objects.editable_by(user).count()
    assert (result.unchanged, result.not_yours) == (mine, ManagedData.objects.visible_to(user).count() - mine)
    assert _snapshot() == before


def test_the_english_sheet_fills_the_english_fields_and_leaves_the_japanese_ones(demo):
    user = demo_user(language="en")
    draft = ManagedData.objects.get(status="draft")
    title_ja = draft.title_ja
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                                      language="en"))
    _set(rows, 2, "title_en", "Tactile sensor time series (revised)", layout_name="en")
    refused = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert {e["column"] for e in refused.errors} >= {"Description", "Data manager"}  # the draft is incomplete
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en",
                               as_drafts=True)
    assert result.ok and len(result.updated) == 1
    draft.refresh_from_db()
    assert (draft.title_en, draft.title_ja) == ("Tactile sensor time series (revised)", title_ja)


def test_a_shift_jis_csv_without_bom_imports(demo):
    user = demo_user(language="ja")
    rows = sheet_rows(1, layout_name="ja")
    content = sheet_csv(rows)[3:].decode().encode("cp932")
    result = sheet_import_file(user=user, content=content, filename="s.csv", dry_run=False, language="ja")
    assert result.ok and result.created == ["JP24K00366 / new-1"]
    record = ManagedData.objects.get(data_no="new-1")
    assert (record.title_ja, record.title_en, record.hosting_institution_ja) == ("新しいデータ1", "", "東都大学")


def test_the_2021_sheet_with_23_columns_imports(demo):
    user = demo_user(language="ja")
    headers = [
        "資金配分機関情報",
        "e-Radの課題番号",
        "プロジェクト名",
        "データNo.",
        "データの名称",
        "掲載日・掲載更新日",
        "データの説明",
        "データの分野",
        "データ種別",
        "概略データ量",
        "管理対象データの利活用・提供方針 (有償/無償)",
        "管理対象データの利活用・提供方針(ライセンス)",
        "管理対象データの利活用・提供方針(引用方法等)",
        "アクセス権",
        "リポジトリ情報",
        "リポジトリURL・DOIリンク",
        "データ作成者",
        "データ作成者の研究者番号",
        "データ管理組織",
        "データ管理者",
        "データ管理者の研究者番号",
        "データ管理者の連絡先",
        "備考",
    ]
    row = ["", "JP24K00366", "", "old-1", "旧様式のデータ", "2021-04-01", "説明", "情報通信", "データセット", "1GB",
           "無償", "CC BY 4.0", "研究 (2021)", "公開", "", "", "研究 花子", "30413925", "東都大学", "研究 花子", "",
           "rdm@demo.example.ac.jp", ""]
    result = sheet_import_file(user=user, content=sheet_csv([headers, row]), filename="old.csv", dry_run=False,
                               language="ja")
    assert result.errors == [] and result.created == ["JP24K00366 / old-1"]
    record = ManagedData.objects.get(data_no="old-1")
    assert (record.hosting_institution_ja, record.contact_email) == ("東都大学", "rdm@demo.example.ac.jp")


# --- import ----------------------------------------------------------------------------------------------

def _set(rows, row_number: int, key: str, value: str, layout_name="portal") -> None:
    """Set a cell by spreadsheet row number (1 = the header row)."""
    rows[row_number - 1][[k for k, _h in layout(layout_name, "ja")].index(key)] = value


def test_errors_at_rows_3_and_7_are_both_reported_in_japanese_and_nothing_is_saved(client, demo):
    user = demo_user(language="ja")
    client.force_login(user)
    rows = sheet_rows(6)
    _set(rows, 3, "issued_date", "2026-13-45")
    _set(rows, 7, "access_right", "半公開")
    before = _snapshot()
    response = client.post("/data/sheet/import/", {
        "upload": SimpleUploadedFile("sheet.csv", sheet_csv(rows), content_type="text/csv"), "dry_run": ""})
    assert response.status_code == 400
    errors = response.context["result"]["errors"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "掲載日・掲載更新日", "2026-13-45"), (7, "アクセス権", "半公開")]
    assert errors[0]["reason"] == "日付ではありません。YYYY-MM-DD の形で書いてください。"
    assert errors[1]["reason"].startswith("この値は使えません。次のいずれかを使ってください：")
    assert "何も保存していません" in response.content.decode()
    assert _snapshot() == before


def test_errors_are_in_english_for_an_english_user(demo):
    user = demo_user(language="en")
    rows = sheet_rows(2)
    _set(rows, 3, "issued_date", "someday")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"], e["reason"]) for e in result.errors] == [
        (3, "掲載日・掲載更新日", "This is not a date; write it as YYYY-MM-DD.")]  # the file's own header


def test_import_creates_drafts_and_updates_editable_records_by_data_no(demo):
    user = demo_user(language="en")
    draft = ManagedData.objects.get(status="draft")
    content = sheet_export_csv(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                               language="ja", layout_name="portal")
    rows = _csv_rows(content)
    _set(rows, 2, "title_en", "Tactile sensor time series (revised)")
    rows += sheet_rows(2, grant=draft.project.grant_number)[1:]
    dry = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=True, language="en",
                            as_drafts=True)
    assert dry.ok and dry.updated == [f"{draft.project.grant_number} / {draft.data_no}"] and len(dry.created) == 2
    draft.refresh_from_db()
    assert draft.title_en == "Tactile sensor time series (draft)"
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()

    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en",
                               as_drafts=True)
    assert result.ok and len(result.created) == 2 and len(result.updated) == 1
    draft.refresh_from_db()
    assert draft.title_en == "Tactile sensor time series (revised)"
    created = ManagedData.objects.get(project=draft.project, data_no="new-1")
    assert (created.status, created.created_by, created.research_field, created.access_right) == (
        "draft", user, "289", "open access")
    assert [(p.kind, p.name_ja, p.name_en, p.erad_researcher_number) for p in created.people.all()] == [
        ("creator", "研究 花子", "Hanako Kenkyu", "30413925"), ("data_manager", "研究 花子", "Hanako Kenkyu", "")]
    # saved in bulk, but as managed_data_create saves: with its history and its search text
    assert [(h.history_type, h.history_user) for h in created.history.all()] == [("+", user)]
    assert "新しいデータ1" in created.search_text


def test_updating_people_keeps_what_the_sheet_does_not_show(demo):
    user = demo_user(language="en")
    draft = ManagedData.objects.get(status="draft")
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                                      language="en"))
    _set(rows, 2, "creator_numbers", "11112222", layout_name="en")
    _set(rows, 2, "data_managers", "Saburo Kanri", layout_name="en")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en",
                               as_drafts=True)
    assert result.ok and len(result.updated) == 1
    people = [(p.kind, p.name_en, p.erad_researcher_number, p.affiliation_en) for p in draft.people.all()]
    assert people == [("creator", "Hanako Kenkyu", "11112222", "Toto University"),
                      ("data_manager", "Saburo Kanri", "", "")]


def test_changing_a_published_record_is_refused_and_nothing_saved(demo):
    user = demo_user(language="en")
    published = ManagedData.objects.filter(status="published", created_by=user).first()
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user, project_id=published.project_id),
                                      language="ja", layout_name="portal"))
    row = next(i for i, r in enumerate(rows, 1) if r[5] == published.data_no)
    _set(rows, row, "title_en", "Renamed")
    rows += sheet_rows(1, grant=published.project.grant_number)[1:]
    before = _snapshot()
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [e["row"] for e in result.errors] == [row]
    assert _snapshot() == before


def test_unknown_project_duplicate_data_no_and_missing_columns(demo):
    user = demo_user(language="en")
    rows = sheet_rows(3)
    _set(rows, 2, "grant_number", "JP00000000")
    _set(rows, 4, "data_no", "new-2")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "体系的番号"), (4, "データNo.")]
    missing = [[c for c in r if c not in ("データNo.", "Data No.")] for r in sheet_rows(1)]
    result = sheet_import_file(user=user, content=sheet_csv(missing), filename="s.csv", dry_run=False, language="en")
    assert result.errors[0]["column"] == "Data No." and "missing" in result.errors[0]["reason"]
    result = sheet_import_file(user=user, content=b"not a workbook", filename="s.xlsx", dry_run=False, language="en")
    assert result.errors[0]["reason"] == "This file is not an Excel workbook (.xlsx)."


def test_format_errors_of_new_records_name_their_column(demo):
    user = demo_user(language="en")
    rows = sheet_rows(3)
    _set(rows, 2, "creator_numbers", "12ab")
    _set(rows, 3, "contact_phone", "call me")
    _set(rows, 4, "repository_url", "ftp://example.org/x")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (2, "データ作成者の研究者番号"), (3, "データ管理者の所属機関の連絡先電話番号"), (4, "リポジトリURL・DOIリンク")]
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()


def test_someone_outside_the_project_cannot_import_into_it(demo):
    user = demo_user("researcher2@demo.example.ac.jp", language="en")
    rows = sheet_rows(1, grant="JP24K00366")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [e["column"] for e in result.errors] == ["体系的番号"]


# --- large files, command, API ----------------------------------------------------------------------------

def test_a_large_file_runs_as_a_job_with_a_result_page(client, demo, settings, django_capture_on_commit_callbacks):
    settings.SHEET_SYNC_MAX_ROWS = 3
    user = demo_user(language="en")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        upload = SimpleUploadedFile("big.csv", sheet_csv(sheet_rows(5)), content_type="text/csv")
        response = client.post("/data/sheet/import/", {"upload": upload, "dry_run": "on"})
    job = SheetImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.percent) == ("done", 5, 5, 100)
    assert len(job.result["created"]) == 5 and job.result["dry_run"]
    page = client.get(job.get_absolute_url())
    assert "5 records created" in page.content.decode()
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()
    client.force_login(demo_user("researcher2@demo.example.ac.jp"))
    assert client.get(job.get_absolute_url()).status_code == 404


def test_a_job_keeps_the_rows_read_at_upload_and_does_not_read_the_file_again(client, demo, settings):
    settings.SHEET_SYNC_MAX_ROWS = 3
    client.force_login(demo_user(language="en"))
    upload = SimpleUploadedFile("big.csv", sheet_csv(sheet_rows(5)), content_type="text/csv")
    client.post("/data/sheet/import/", {"upload": upload})
    job = SheetImport.objects.get()
    kept = json.loads(bytes(job.content))
    assert kept["headers"][:2] == ["資金配分機関情報", "体系的番号におけるプログラム情報コード"]
    assert [(number, cells[5]) for number, cells in kept["rows"]] == [(n + 1, f"new-{n}") for n in range(1, 6)]
    sheet_import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, len(job.result["created"]), bytes(job.content)) == ("done", 5, b"")
    assert ManagedData.objects.filter(data_no__startswith="new-").count() == 5


def test_the_queries_of_an_import_do_not_grow_with_its_rows(demo):
    user = demo_user(language="en")

    def queries(rows, title=""):
        for row in rows[1:]:
            row[6] += title
        with CaptureQueriesContext(connection) as captured:
            result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=False,
                                       language="en")
        assert result.ok, result.errors
        return len(captured)

    queries(sheet_rows(3))
    assert queries(sheet_rows(6)) == queries(sheet_rows(30))  # 3 new rows, then 24 (beside the rows saved before)
    assert queries(sheet_rows(3), " 改") == queries(sheet_rows(30), " 改訂")  # 3 changed rows, then 30
    assert ManagedData.objects.filter(data_no__startswith="new-", title_ja__endswith=" 改訂").count() == 30


@pytest.mark.celery_worker
def test_a_large_import_runs_on_a_real_worker(client, celery_worker, settings):
    call_command("load_demo", stdout=io.StringIO())
    settings.SHEET_SYNC_MAX_ROWS = 10
    user = demo_user(language="en")
    client.force_login(user)
    response = client.post("/data/sheet/import/", {
        "upload": SimpleUploadedFile("big.csv", sheet_csv(sheet_rows(1200)), content_type="text/csv"), "dry_run": ""})
    assert response.status_code == 302
    job = SheetImport.objects.get()
    wait_for(lambda: SheetImport.objects.filter(pk=job.pk, status="done").exists(), timeout=120,
             message="the import job")
    job.refresh_from_db()
    assert (job.processed_rows, len(job.result["created"])) == (1200, 1200)
    assert ManagedData.objects.filter(data_no__startswith="new-").count() == 1200


def test_management_commands_export_and_reimport(demo, tmp_path):
    path = tmp_path / "sheet.xlsx"
    call_command("sheet_export", str(path), user=RESEARCHER, stdout=io.StringIO())
    out = io.StringIO()
    call_command("sheet_import", str(path), user=RESEARCHER, stdout=out, stderr=io.StringIO())
    assert "created=0 updated=0" in out.getvalue() and "errors=0" in out.getvalue()
    bad = tmp_path / "bad.csv"
    rows = sheet_rows(2, layout_name="en")
    _set(rows, 3, "access_right", "?", layout_name="en")
    bad.write_bytes(sheet_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("sheet_import", str(bad), user=RESEARCHER, language="en", stdout=out, stderr=io.StringIO())
    assert "row 3, Access rights" in out.getvalue()


def test_api_import_and_export(client, demo):
    user = demo_user(language="ja")
    client.force_login(user)
    rows = sheet_rows(2)
    _set(rows, 3, "issued_date", "x")
    response = client.post("/api/v1/sheet/import/", {"upload": SimpleUploadedFile("s.csv", sheet_csv(rows)),
                                                      "dry_run": "false"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 3, "column": "掲載日・掲載更新日", "value": "x",
                                          "reason": "日付ではありません。YYYY-MM-DD の形で書いてください。"}]
    response = client.post("/api/v1/sheet/import/", {"upload": SimpleUploadedFile("s.csv", sheet_csv(sheet_rows(2))),
                                                      "dry_run": "true"})
    assert response.status_code == 200 and len(response.json()["created"]) == 2
    export = client.get("/api/v1/sheet/export/", {"file": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_sheet_pages_show_the_forms_and_a_running_job(client, demo):
    user = demo_user(language="en")
    client.force_login(user)
    page = client.get("/data/sheet/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'name="upload"' in page and 'name="file"' in page
    job = SheetImport.objects.create(user=user, filename="big.csv", content=b"", total_rows=4000,
                                     processed_rows=1000, status=SheetImport.Status.RUNNING)
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="progress" max="100" value="25">' in page
    assert 'http-equiv="refresh"' in page


@pytest.mark.postgres
def test_job_progress_shows_while_the_import_transaction_is_open(transactional_db):
    job = SheetImport.objects.create(user=UserFactory(), filename="big.csv", content=b"", total_rows=2000)
    reporter = _ProgressReporter(job.pk)
    observer = connections.create_connection("default")
    try:
        with transaction.atomic():
            ManagedData.objects.exists()  # the import's transaction is open
            reporter(1500)
            with observer.cursor() as cursor:
                cursor.execute("SELECT processed_rows FROM sheet_sheetimport WHERE id = %s", [job.pk])
                assert cursor.fetchone()[0] == 1500
    finally:
        reporter.close()
        observer.close()


# --- bounded uploads and complete checks ------------------------------------------------------------------

def _workbook(rows, *, patch=lambda name, xml: xml) -> bytes:
    """An .xlsx of `rows`, with `patch(part name, xml)` applied to its parts."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            copy.writestr(item, patch(item.filename, source.read(item)))
    return out.getvalue()


def _reasons(user, content: bytes, filename: str, dry_run=False) -> list[str]:
    result = sheet_import_file(user=user, content=content, filename=filename, dry_run=dry_run, language="en")
    return [e["reason"] for e in result.errors]


def test_uploads_that_would_cost_too_much_get_a_clear_refusal(client, db, settings):
    user = UserFactory(preferred_language="en")
    rows = sheet_rows(1)
    with_nul = sheet_csv(rows[:1] + [[cell + "\x00" if i == 6 else cell for i, cell in enumerate(rows[1])]])
    for dry_run in (True, False):
        assert _reasons(user, with_nul, "s.csv", dry_run) == ["Line 2 holds a NUL character, which no cell may hold."]
    long_cell = sheet_csv(rows[:1] + [rows[1][:6] + ["x" * 200_000] + rows[1][7:]])
    assert _reasons(user, long_cell, "s.csv")[0].startswith("Line 2 cannot be read: a cell is longer than 131072")
    entity = _workbook(rows, patch=lambda name, xml: xml.replace(
        b"<worksheet", b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1) if name.endswith("sheet1.xml") else xml)
    assert _reasons(user, entity, "s.xlsx") == ["The workbook declares XML entities, which a spreadsheet does not "
                                                "need; save it again from Excel or LibreOffice."]
    huge = _workbook(rows, patch=lambda name, xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:ALL200000"',
                                                           xml))
    assert len(huge) < 10_000
    assert _reasons(user, huge, "s.xlsx") == ["The file has more than 100000 rows; split it into smaller files."]
    # a declared size within the cap is not believed: only the rows that are there are read
    declared = _workbook(rows, patch=lambda name, xml: re.sub(rb'<dimension ref="[^"]+"',
                                                               b'<dimension ref="A1:ALL100000"', xml))
    assert _reasons(user, declared, "s.xlsx") == ["No project with this Japan Grant Number is open to you for "
                                                  "registering data."]
    settings.SHEET_MAX_ROWS = 3
    assert _reasons(user, sheet_csv(sheet_rows(5)), "s.csv") == [
        "The file has more than 3 rows; split it into smaller files."]
    client.force_login(user)
    for name, content in (("nul.csv", with_nul), ("entity.xlsx", entity), ("huge.xlsx", huge)):
        response = client.post("/data/sheet/import/", {"upload": SimpleUploadedFile(name, content), "dry_run": "on"})
        assert response.status_code == 400
        assert client.post("/api/v1/sheet/import/", {"upload": SimpleUploadedFile(name, content)}).status_code == 400


def test_every_problem_of_every_row_is_reported_at_once_and_dates_are_strict(demo):
    user = demo_user(language="en")
    rows = sheet_rows(3)
    for key, value in (("issued_date", "20250401"), ("access_right", "half"), ("license", "mine"),
                       ("contact_phone", "call me"), ("repository_url", "ftp://x"), ("creator_numbers", "12ab")):
        _set(rows, 2, key, value)
    _set(rows, 3, "issued_date", "2025-W14-2")
    _set(rows, 4, "title_ja", "")
    _set(rows, 4, "hosting_institution_ja", "")
    result = sheet_import_file(user=user, content=sheet_csv(rows), filename="s.csv", dry_run=True, language="en")
    assert sorted((e["row"], e["column"]) for e in result.errors) == [
        (2, "アクセス権"), (2, "データ作成者の研究者番号"), (2, "データ管理者の所属機関の連絡先電話番号"),
        (2, "リポジトリURL・DOIリンク"), (2, "掲載日・掲載更新日"), (2, "管理対象データの利活用・提供方針(ライセンス)"),
        (3, "掲載日・掲載更新日"), (4, "データの名称"), (4, "データ管理機関")]
    drafts = sheet_import_file(user=user, content=sheet_csv(rows[:1] + rows[3:]), filename="s.csv", dry_run=True,
                               language="en", as_drafts=True)
    assert drafts.ok and drafts.created == ["JP24K00366 / new-3"]


def test_rows_of_records_that_are_not_yours_count_unless_changed(demo):
    owner, other = demo_user(), demo_user("researcher2@demo.example.ac.jp", language="en")
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=other), language="ja"))
    result = sheet_import_file(user=other, content=sheet_csv(rows), filename="s.csv", dry_run=True, language="en")
    assert result.ok and result.not_yours > 0
    foreign = ManagedData.objects.visible_to(other).exclude(pk__in=ManagedData.objects.editable_by(other)).filter(
        created_by=owner).first()
    row = next(i for i, r in enumerate(rows, 1) if (r[3], r[5]) == (foreign.project.grant_number, foreign.data_no))
    _set(rows, row, "title_ja", "書き換え", layout_name="ja")
    result = sheet_import_file(user=other, content=sheet_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"]) for e in result.errors] == [(row, "データの名称")]
    assert result.errors[0]["reason"].startswith("You may not change this record")


def test_the_worksheet_the_user_saved_on_is_the_one_imported(demo):
    user = demo_user(language="en")
    draft = ManagedData.objects.get(status="draft")
    content = sheet_export_xlsx(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                                language="en")
    book = load_workbook(io.BytesIO(content))
    english = book["English"]
    column = OFFICIAL_EN.index("Title") + 1
    english.cell(row=2, column=column, value="Tactile sensor time series (edited in Excel)")
    book.active = book.sheetnames.index("English")
    out = io.BytesIO()
    book.save(out)
    result = sheet_import_file(user=user, content=out.getvalue(), filename="s.xlsx", dry_run=False, language="en",
                               as_drafts=True)
    assert result.ok and len(result.updated) == 1
    draft.refresh_from_db()
    assert draft.title_en == "Tactile sensor time series (edited in Excel)"


def test_the_sheet_services_and_their_task_module_do_not_import_each_other():
    from metadata.sheet import services

    tree = ast.parse(Path(services.__file__).read_text(encoding="utf-8"))
    modules = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert not any(module.endswith("tasks") for module in modules)

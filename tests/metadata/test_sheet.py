import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections, transaction
from django.forms.models import model_to_dict
from openpyxl import load_workbook

from metadata.models import ManagedData, RecordPerson
from metadata.sheet.columns import COLUMNS
from metadata.sheet.models import SheetImport
from metadata.sheet.selectors import sheet_records
from metadata.sheet.services import _ProgressReporter, sheet_export_csv, sheet_export_xlsx, sheet_import_file
from portal.models import User
from tests.conftest import wait_for
from tests.factories import UserFactory

pytest_plugins = ["tests.metadata.oai_fixtures"]

RESEARCHER = "researcher@demo.example.ac.jp"


def _snapshot():
    """Everything an import could change: every record's fields, its people and its history length."""
    return (
        [model_to_dict(r, exclude=["shared_with"]) for r in ManagedData.objects.order_by("pk")],
        [model_to_dict(p) for p in RecordPerson.objects.order_by("pk")],
        ManagedData.history.count(),
    )


def _user(email=RESEARCHER, language="ja"):
    user = User.objects.get(email=email)
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return user


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return "\ufeff".encode() + out.getvalue().encode()


# --- export --------------------------------------------------------------------------------------------

def test_csv_export_has_bom_two_header_rows_and_the_official_order(demo):
    user = _user()
    content = sheet_export_csv(records=sheet_records(user=user), language="ja")
    assert content.startswith("\ufeff".encode())
    rows = _csv_rows(content)
    assert rows[0][:7] == ["資金配分機関情報", "体系的番号におけるプログラム情報コード", "プログラム名", "体系的番号",
                           "プロジェクト名", "データNo.", "データの名称"]
    assert rows[1][:7] == ["Funder", "Funding stream code in Japan Grant Number", "Program name",
                           "Japan Grant Number", "Project name", "Data No.", "Title"]
    assert rows[0][-3:] == ["備考（英語）", "データ管理者の種類", "メタデータのアクセス権"]
    by_no = {(r[3], r[5]): dict(zip([c.key for c in COLUMNS], r, strict=True)) for r in rows[2:]}
    eeg = by_no[("JPMJMS2011", "2")]
    assert eeg["research_field"] == "ライフサイエンス"
    assert eeg["data_type"] == "測定・評価データ"
    assert eeg["access_right"] == "公開"
    assert eeg["creators"] == "実験 次郎|Jiro Jikken;研究 花子|Hanako Kenkyu"
    assert eeg["creator_numbers"] == "20512345;30413925"
    assert eeg["repository_url"] == "https://doi.org/10.18112/openneuro.ds000001.v1.0.0"


def test_english_export_writes_english_values(demo):
    user = _user(language="en")
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user), language="en"))
    values = dict(zip([c.key for c in COLUMNS], rows[2], strict=True))
    assert values["provision_policy"] == "free"
    assert values["funder"].isascii()


@pytest.mark.parametrize("email", [RESEARCHER, "researcher2@demo.example.ac.jp", "librarian@demo.example.ac.jp"])
def test_export_holds_exactly_what_the_user_may_see(client, demo, email):
    user = _user(email)
    client.force_login(user)
    response = client.get("/data/sheet/export/", {"file": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.csv"')
    rows = _csv_rows(response.content)[2:]
    expected = {(r.project.grant_number, r.data_no) for r in ManagedData.objects.visible_to(user)}
    assert {(r[3], r[5]) for r in rows} == expected
    assert len(rows) == len(expected)


def test_export_needs_sign_in(client, demo):
    assert client.get("/data/sheet/export/", {"file": "csv"}).status_code == 302
    assert client.get("/api/v1/sheet/export/", {"file": "csv"}).status_code in (401, 403)


def test_xlsx_keeps_formula_like_text_as_text(demo):
    user = _user()
    record = ManagedData.objects.get(status="draft")
    ManagedData.objects.filter(pk=record.pk).update(remarks_ja="=HYPERLINK(\"http://evil\")")
    content = sheet_export_xlsx(records=sheet_records(user=user, project_id=record.project_id), language="ja")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value and str(c.value).startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


# --- round trip ------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("file", "language"), [("xlsx", "ja"), ("csv", "ja"), ("xlsx", "en"), ("csv", "en")])
def test_an_exported_file_reimports_with_no_change(demo, file, language):
    user = _user(language=language)
    export = sheet_export_xlsx if file == "xlsx" else sheet_export_csv
    content = export(records=sheet_records(user=user), language=language)
    before = _snapshot()
    result = sheet_import_file(user=user, content=content, filename=f"sheet.{file}", dry_run=False, language=language)
    assert result.errors == []
    assert (result.created, result.updated) == ([], [])
    assert result.unchanged == ManagedData.objects.visible_to(user).count()
    assert _snapshot() == before


# --- import ----------------------------------------------------------------------------------------------

def _new_rows(n: int, grant="JP24K00366") -> list[list[str]]:
    header_ja = [c.ja for c in COLUMNS]
    header_en = [c.en for c in COLUMNS]
    rows = [header_ja, header_en]
    for i in range(n):
        values = {c.key: "" for c in COLUMNS}
        values.update(grant_number=grant, data_no=f"new-{i + 1}", title_ja=f"新しいデータ{i + 1}",
                      description_en="Imported.", license="CC BY 4.0", access_right="公開",
                      citation_en="Kenkyu (2026)", hosting_institution_ja="東都大学",
                      contact_email="rdm@demo.example.ac.jp", creators="研究 花子|Hanako Kenkyu",
                      creator_numbers="30413925", issued_date="2026-01-15", research_field="情報通信")
        rows.append([values[c.key] for c in COLUMNS])
    return rows


def _set(rows, row_number: int, key: str, value: str) -> None:
    """Set a cell by spreadsheet row number (1 = the Japanese header row)."""
    rows[row_number - 1][[c.key for c in COLUMNS].index(key)] = value


def test_errors_at_rows_3_and_7_are_both_reported_in_japanese_and_nothing_is_saved(client, demo):
    user = _user(language="ja")
    client.force_login(user)
    rows = _new_rows(6)
    _set(rows, 3, "issued_date", "2026-13-45")
    _set(rows, 7, "access_right", "半公開")
    before = _snapshot()
    response = client.post("/data/sheet/import/", {
        "upload": SimpleUploadedFile("sheet.csv", _csv(rows), content_type="text/csv"), "dry_run": ""})
    assert response.status_code == 400
    errors = response.context["result"]["errors"]
    assert [(e["row"], e["column"], e["value"]) for e in errors] == [
        (3, "掲載日・掲載更新日", "2026-13-45"), (7, "アクセス権", "半公開")]
    assert errors[0]["reason"] == "日付ではありません。YYYY-MM-DD の形で書いてください。"
    assert errors[1]["reason"].startswith("この値は使えません。次のいずれかを使ってください：")
    assert "何も保存していません" in response.content.decode()
    assert _snapshot() == before


def test_errors_are_in_english_for_an_english_user(demo):
    user = _user(language="en")
    rows = _new_rows(2)
    _set(rows, 4, "issued_date", "someday")
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"], e["reason"]) for e in result.errors] == [
        (4, "Date (Issued / Updated)", "This is not a date; write it as YYYY-MM-DD.")]


def test_import_creates_drafts_and_updates_editable_records_by_data_no(demo):
    user = _user(language="en")
    draft = ManagedData.objects.get(status="draft")
    content = sheet_export_csv(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                               language="en")
    rows = _csv_rows(content)
    _set(rows, 3, "title_en", "Tactile sensor time series (revised)")
    rows += _new_rows(2, grant=draft.project.grant_number)[2:]
    dry = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=True, language="en")
    assert dry.ok and dry.updated == [f"{draft.project.grant_number} / {draft.data_no}"] and len(dry.created) == 2
    draft.refresh_from_db()
    assert draft.title_en == "Tactile sensor time series (draft)"
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()

    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert result.ok and len(result.created) == 2 and len(result.updated) == 1
    draft.refresh_from_db()
    assert draft.title_en == "Tactile sensor time series (revised)"
    created = ManagedData.objects.get(project=draft.project, data_no="new-1")
    assert (created.status, created.created_by, created.research_field, created.access_right) == (
        "draft", user, "289", "open access")
    assert [(p.kind, p.name_ja, p.name_en, p.erad_researcher_number) for p in created.people.all()] == [
        ("creator", "研究 花子", "Hanako Kenkyu", "30413925")]
    # saved in bulk, but as managed_data_create saves: with its history and its search text
    assert [(h.history_type, h.history_user) for h in created.history.all()] == [("+", user)]
    assert "新しいデータ1" in created.search_text


def test_updating_people_keeps_what_the_sheet_does_not_show(demo):
    user = _user(language="en")
    draft = ManagedData.objects.get(status="draft")
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user, project_id=draft.project_id, status="draft"),
                                      language="en"))
    _set(rows, 3, "creator_numbers", "11112222")
    _set(rows, 3, "data_managers", "管理 三郎|Saburo Kanri")
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert result.ok and len(result.updated) == 1
    people = [(p.kind, p.name_en, p.erad_researcher_number, p.affiliation_en) for p in draft.people.all()]
    assert people == [("creator", "Hanako Kenkyu", "11112222", "Toto University"),
                      ("data_manager", "Saburo Kanri", "", "")]


def test_changing_a_published_record_is_refused_and_nothing_saved(demo):
    user = _user(language="en")
    published = ManagedData.objects.filter(status="published", created_by=user).first()
    rows = _csv_rows(sheet_export_csv(records=sheet_records(user=user, project_id=published.project_id),
                                      language="en"))
    row = next(i for i, r in enumerate(rows, 1) if r[5] == published.data_no)
    _set(rows, row, "title_en", "Renamed")
    rows += _new_rows(1, grant=published.project.grant_number)[2:]
    before = _snapshot()
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [e["row"] for e in result.errors] == [row]
    assert _snapshot() == before


def test_unknown_project_duplicate_data_no_and_missing_columns(demo):
    user = _user(language="en")
    rows = _new_rows(3)
    _set(rows, 3, "grant_number", "JP00000000")
    _set(rows, 5, "data_no", "new-2")
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "Japan Grant Number"), (5, "Data No.")]
    missing = [[c for c in r if c not in ("データNo.", "Data No.")] for r in _new_rows(1)[:2]]
    result = sheet_import_file(user=user, content=_csv(missing), filename="s.csv", dry_run=False, language="en")
    assert result.errors[0]["column"] == "Data No." and "missing" in result.errors[0]["reason"]
    result = sheet_import_file(user=user, content=b"not a workbook", filename="s.xlsx", dry_run=False, language="en")
    assert result.errors[0]["reason"] == "This file is not an Excel workbook (.xlsx)."


def test_format_errors_of_new_records_name_their_column(demo):
    user = _user(language="en")
    rows = _new_rows(3)
    _set(rows, 3, "creator_numbers", "12ab")
    _set(rows, 4, "contact_phone", "call me")
    _set(rows, 5, "repository_url", "ftp://example.org/x")
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [(e["row"], e["column"]) for e in result.errors] == [
        (3, "Creator name identifier (e-Rad)"), (4, "Contact phone number of data manager"),
        (5, "Repository URL/ DOI link")]
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()


def test_someone_outside_the_project_cannot_import_into_it(demo):
    user = _user("researcher2@demo.example.ac.jp", language="en")
    rows = _new_rows(1, grant="JP24K00366")
    result = sheet_import_file(user=user, content=_csv(rows), filename="s.csv", dry_run=False, language="en")
    assert [e["column"] for e in result.errors] == ["Japan Grant Number"]


# --- large files, command, API ----------------------------------------------------------------------------

def test_a_large_file_runs_as_a_job_with_a_result_page(client, demo, settings, django_capture_on_commit_callbacks):
    settings.SHEET_SYNC_MAX_ROWS = 3
    user = _user(language="en")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/data/sheet/import/", {
            "upload": SimpleUploadedFile("big.csv", _csv(_new_rows(5)), content_type="text/csv"), "dry_run": "on"})
    job = SheetImport.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.total_rows, job.processed_rows, job.percent) == ("done", 5, 5, 100)
    assert len(job.result["created"]) == 5 and job.result["dry_run"]
    page = client.get(job.get_absolute_url())
    assert "5 records created" in page.content.decode()
    assert not ManagedData.objects.filter(data_no__startswith="new-").exists()
    client.force_login(_user("researcher2@demo.example.ac.jp"))
    assert client.get(job.get_absolute_url()).status_code == 404


@pytest.mark.celery_worker
def test_a_large_import_runs_on_a_real_worker(client, celery_worker, settings):
    call_command("load_demo", stdout=io.StringIO())
    settings.SHEET_SYNC_MAX_ROWS = 10
    user = _user(language="en")
    client.force_login(user)
    response = client.post("/data/sheet/import/", {
        "upload": SimpleUploadedFile("big.csv", _csv(_new_rows(1200)), content_type="text/csv"), "dry_run": ""})
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
    rows = _new_rows(2)
    _set(rows, 4, "access_right", "?")
    bad.write_bytes(_csv(rows))
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("sheet_import", str(bad), user=RESEARCHER, language="en", stdout=out, stderr=io.StringIO())
    assert "row 4, Access rights" in out.getvalue()


def test_api_import_and_export(client, demo):
    user = _user(language="ja")
    client.force_login(user)
    rows = _new_rows(2)
    _set(rows, 3, "issued_date", "x")
    response = client.post("/api/v1/sheet/import/", {"upload": SimpleUploadedFile("s.csv", _csv(rows)),
                                                      "dry_run": "false"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": 3, "column": "掲載日・掲載更新日", "value": "x",
                                          "reason": "日付ではありません。YYYY-MM-DD の形で書いてください。"}]
    response = client.post("/api/v1/sheet/import/", {"upload": SimpleUploadedFile("s.csv", _csv(_new_rows(2))),
                                                      "dry_run": "true"})
    assert response.status_code == 200 and len(response.json()["created"]) == 2
    export = client.get("/api/v1/sheet/export/", {"file": "xlsx"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


def test_sheet_pages_show_the_forms_and_a_running_job(client, demo):
    user = _user(language="en")
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

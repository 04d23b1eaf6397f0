"""Export of the metadata sheet (.xlsx, CSV with BOM) and its import: parse, compare, then create or
update records through the managed-data services, all or nothing."""

import csv
import datetime
import gc
import io
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from dmp.models import Project
from portal.validators import normalize_ror

from ..formats.common import labels
from ..models import ManagedData, RecordPerson
from ..permissions import can_create_managed_data, record_links
from ..services import EDITABLE_FIELDS, PERSON_FIELDS, managed_data_update
from ..validators import normalize_repository_url
from ..vocabularies import PROJECT_FIELD, DataManagerType, MetadataAccess, ProvisionPolicy
from .columns import BY_HEADER, CODED, COLUMNS, DATES, PEOPLE, PROJECT_INFO, Column, header
from .models import SheetImport
from .selectors import sheet_existing_records
from .tasks import sheet_import_job_run as sheet_import_job_run_task

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSON_CARRIED = ("orcid", "affiliation_ja", "affiliation_en", "user")
# Values a new record gets when its cell is empty (the model's defaults).
DEFAULTS = {"research_field": PROJECT_FIELD, "data_type": "dataset", "provision_policy": ProvisionPolicy.FREE,
            "data_manager_type": DataManagerType.INDIVIDUAL, "metadata_access": MetadataAccess.OPEN}


class SheetError(Exception):
    """A file that cannot be read as a sheet at all."""


# --- export ------------------------------------------------------------------------------------------

def _is_japanese(text: str) -> bool:
    return any(ord(ch) > 0x7F for ch in text)


def _person_cell(person) -> str:
    """“Japanese|English”, or one name alone when its script says which it is."""
    ja, en = person.name_ja, person.name_en
    if ja and en:
        return f"{ja}|{en}"
    if ja:
        return ja if _is_japanese(ja) else f"{ja}|"
    return en if not _is_japanese(en) else f"|{en}"


def _row(record: ManagedData, language: str) -> list[str]:
    """One sheet row; `record` is annotated by `with_data_access(viewer)` (the data location follows
    `record_links`)."""
    index = 0 if language == "ja" else 1
    project = record.project
    program = project.program

    def name(obj, key="name"):
        values = (getattr(obj, f"{key}_ja"), getattr(obj, f"{key}_en"))
        return values[index] or values[1 - index]

    values = {"funder": name(program.funder), "program_code": program.code, "program_name": name(program),
              "grant_number": project.grant_number, "project_name": name(project)}
    for key in EDITABLE_FIELDS:
        value = getattr(record, key)
        if key in DATES:
            value = value.isoformat() if value else ""
        elif key == "research_field":  # `project` is written as the project's field, as GRDM does
            value = labels("research_field")[record.effective_research_field][index]
        elif key in CODED:
            value = labels(CODED[key])[value][index] if value else ""
        elif key == "repository_url":
            value = record_links(record).location
        values[key] = value
    for kind, (names, numbers) in PEOPLE.items():
        people = [p for p in record.people.all() if p.kind == kind]
        values[names] = ";".join(_person_cell(p) for p in people)
        joined = ";".join(p.erad_researcher_number for p in people)
        values[numbers] = joined if joined.strip(";") else ""
    return [values[column.key] for column in COLUMNS]


def _header_rows() -> list[list[str]]:
    return [[header(c, "ja") for c in COLUMNS], [header(c, "en") for c in COLUMNS]]


def _text_cell(sheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    return cell


def sheet_export_xlsx(*, records: Iterable[ManagedData], language: str) -> bytes:
    """The records as a workbook (`records` come from `selectors.sheet_records`, i.e. `visible_to`)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("metadata")

    def cells(values):  # text that looks like a formula stays text
        return [WriteOnlyCell(sheet, value=v) if not (isinstance(v, str) and v.startswith("=")) else
                _text_cell(sheet, v) for v in values]

    for row in _header_rows():
        sheet.append(row)
    for record in records:
        sheet.append(cells(_row(record, language)))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_export_csv(*, records: Iterable[ManagedData], language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_header_rows())
    for record in records:
        writer.writerow(_row(record, language))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# --- reading a file ----------------------------------------------------------------------------------

def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sheet_read(*, content: bytes, filename: str) -> tuple[list[Column | None], list[list[str]], int]:
    """(columns by position, data rows as text, number of the first data row). The first row holds the
    headers, in Japanese or English; a second header row (the other language) is skipped."""
    if filename.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
            raise SheetError(_("This file is not an Excel workbook (.xlsx).")) from None
        rows = [[_cell_text(v) for v in row] for row in workbook.worksheets[0].iter_rows(values_only=True)]
        workbook.close()
    elif filename.lower().endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise SheetError(_("The CSV file must be encoded in UTF-8.")) from None
        rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    else:
        raise SheetError(_("Upload an .xlsx or .csv file."))
    rows = [row for row in rows if any(row)]
    if not rows:
        raise SheetError(_("The file is empty."))
    columns = [BY_HEADER.get(h.strip().casefold()) if h else None for h in rows[0]]
    first = 1
    if len(rows) > 1 and all(not h or BY_HEADER.get(h.strip().casefold()) for h in rows[1]) and any(rows[1]):
        first = 2
    return columns, rows[first:], first + 1


# --- import ------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)  # row, column, value, reason
    created: list[str] = field(default_factory=list)  # "grant number / data No."
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "errors": self.errors, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged}


class _Rollback(Exception):
    pass


@contextmanager
def _no_cyclic_gc():
    """A file keeps tens of thousands of rows and model instances alive at once; the cyclic garbage
    collector would walk them all again and again (it halves the speed of a 50 000-row import). Reference
    counting still frees everything; cycles wait until the import ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@cache
def _codes(vocabulary: str) -> dict[str, str]:
    """{casefolded code, Japanese label or English label: code} of one vocabulary."""
    return {name.casefold(): code for code, names in labels(vocabulary).items() for name in (code, *names)}


def _choice(vocabulary: str, text: str) -> str | None:
    return _codes(vocabulary).get(text.casefold())


def _parse_people(names: str, numbers: str, kind: str) -> list[dict]:
    people = []
    for cell in [n.strip() for n in names.split(";")] if names else []:
        if "|" in cell:
            ja, _sep, en = (part.strip() for part in cell.partition("|"))
        else:
            ja, en = (cell, "") if _is_japanese(cell) else ("", cell)
        people.append({"kind": kind, "name_ja": ja, "name_en": en, "erad_researcher_number": ""})
    for position, number in enumerate(n.strip() for n in numbers.split(";")) if numbers else []:
        if number:
            if position >= len(people):
                raise ValueError(_("There are more researcher numbers than people in the name column."))
            people[position]["erad_researcher_number"] = number
    return people


class _Row:
    """One data row being imported: its cells by column key and the errors found in it."""

    def __init__(self, number: int, cells: dict[str, str], result: ImportResult, language: str):
        self.number, self.cells, self.result, self.language = number, cells, result, language

    def error(self, key: str, reason: str) -> None:
        column = next(c for c in COLUMNS if c.key == key)
        self.result.errors.append({"row": self.number, "column": header(column, self.language),
                                   "value": self.cells.get(key, ""), "reason": str(reason)})

    def parse(self, existing: ManagedData | None, project: Project) -> tuple[dict, list[dict]] | None:
        """(field values, people) as the services take them, or None after reporting errors."""
        data, failed = {}, False
        for key in EDITABLE_FIELDS:
            if key not in self.cells:
                continue
            text = self.cells[key]
            try:
                data[key] = self._value(key, text, existing, project)
            except (ValueError, ValidationError) as error:
                failed = True
                messages = error.messages if isinstance(error, ValidationError) else [str(error)]
                for message in messages:
                    self.error(key, message)
        people = []
        for kind, (names, numbers) in PEOPLE.items():
            try:
                people += _parse_people(self.cells.get(names, ""), self.cells.get(numbers, ""), kind)
            except ValueError as error:
                failed = True
                self.error(numbers, str(error))
        return None if failed else (data, people)

    @staticmethod
    def _value(key: str, text: str, existing: ManagedData | None, project: Project):
        if key in DATES:
            if not text:
                return None
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                raise ValueError(_("This is not a date; write it as YYYY-MM-DD.")) from None
        if key in CODED:
            if not text:
                return DEFAULTS.get(key, "")
            code = _choice(CODED[key], text)
            if code is None:
                names = [n for pair in labels(CODED[key]).values() for n in pair]
                raise ValueError(_("Unknown value; use one of: %(choices)s.") % {
                    "choices": ", ".join(dict.fromkeys(names))})
            if key == "research_field":  # the sheet shows the resolved field; keep “the project's field”
                current = existing.effective_research_field if existing else project.research_field
                if code == current:
                    return existing.research_field if existing else PROJECT_FIELD
            return code
        if key == "repository_url" and text:
            return normalize_repository_url(text)
        if key == "hosting_institution_ror" and text:
            return normalize_ror(text)
        return text


def _people_key(people) -> list[tuple]:
    return [(p["kind"], p["name_ja"], p["name_en"], p["erad_researcher_number"]) if isinstance(p, dict) else
            (p.kind, p.name_ja, p.name_en, p.erad_researcher_number) for p in people]


def _with_carried_details(people: list[dict], current: list[RecordPerson]) -> list[dict]:
    """Keep what the sheet does not show (ORCID, affiliation, portal user) for people who stay."""
    for person in people:
        same = next((p for p in current if p.kind == person["kind"] and
                     (p.name_ja, p.name_en) == (person["name_ja"], person["name_en"])), None)
        if same:
            person.update({key: getattr(same, key) for key in PERSON_CARRIED})
    return people


def _service_errors(row: _Row, error: ValidationError | PermissionDenied) -> None:
    """Report what a service refused under the column it concerns (the data No. when it is the record)."""
    if isinstance(error, PermissionDenied):
        row.error("data_no", str(error))
        return
    by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    keys = {c.key for c in COLUMNS}
    for key, messages in by_field.items():
        column = key if key in keys else "creators" if key == "people" else "data_no"
        for message in messages:
            row.error(column, message)


def sheet_import(*, user, columns: list[Column | None], rows: list[list[str]], first_row: int, dry_run: bool,
                 language: str, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Create or update the records of `rows` (matched by grant number and data No.) as `user`,
    through the managed-data services. Nothing is saved if any row has a problem, or on a dry run."""
    result = ImportResult(dry_run=dry_run)
    with translation.override(language):
        keys = [c.key if c else None for c in columns]
        for position, column in enumerate(columns):
            if column is None and any(position < len(r) and r[position] for r in rows):
                result.errors.append({"row": 1, "column": "", "value": "",
                                      "reason": _("Column %(number)d has an unknown header.") % {
                                          "number": position + 1}})
        for required in ("grant_number", "data_no"):
            if required not in keys:
                column = next(c for c in COLUMNS if c.key == required)
                result.errors.append({"row": 1, "column": header(column, language), "value": "",
                                      "reason": _("This column is missing.")})
        if result.errors:
            return result
        parsed = [
            _Row(first_row + i, {k: (r[p] if p < len(r) else "") for p, k in enumerate(keys)
                                 if k and k not in PROJECT_INFO}, result, language)
            for i, r in enumerate(rows)
        ]
        projects = {p.grant_number: p for p in Project.objects.with_member(user).select_related("program").filter(
            grant_number__in={row.cells["grant_number"] for row in parsed})}
        existing = sheet_existing_records(user=user, projects=projects.values())
        try:
            with transaction.atomic(), _no_cyclic_gc():
                _apply(user, parsed, projects, existing, result, progress)
                if result.errors or dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        if result.errors:
            result.created, result.updated, result.unchanged = [], [], 0
    return result


def _apply(user, parsed: list[_Row], projects: dict, existing: dict, result: ImportResult, progress) -> None:
    seen: dict[tuple, int] = {}
    new: list[tuple[_Row, ManagedData, list[RecordPerson]]] = []
    may_create: dict[int, bool] = {}
    for index, row in enumerate(parsed, 1):
        if progress and index % 500 == 0:
            progress(index)
        project = projects.get(row.cells["grant_number"])
        if project is None:
            row.error("grant_number", _("No project with this Japan Grant Number is open to you for registering "
                                        "data."))
            continue
        data_no = row.cells["data_no"]
        if not data_no:
            row.error("data_no", _("Give the data No.: rows are matched to records by it within the project."))
            continue
        if (project.pk, data_no) in seen:
            row.error("data_no", _("This data No. is also on row %(row)d for the same project.") % {
                "row": seen[(project.pk, data_no)]})
            continue
        seen[(project.pk, data_no)] = row.number
        record = existing.get((project.pk, data_no))
        parsed_row = row.parse(record, project)
        if parsed_row is None:
            continue
        data, people = parsed_row
        label = f"{project.grant_number} / {data_no}"
        try:
            if record is None:
                if project.pk not in may_create:
                    may_create[project.pk] = can_create_managed_data(user, project)
                if not may_create[project.pk]:
                    raise PermissionDenied(_("Only the project's people can register its managed data."))
                new.append((row, *_new_record(user, project, data, people)))
                result.created.append(label)
                continue
            changed = {k: v for k, v in data.items() if getattr(record, k) != v}
            current = list(record.people.all())
            people_changed = _people_key(people) != _people_key(current)
            if not changed and not people_changed:
                result.unchanged += 1
                continue
            managed_data_update(record_id=record.pk, actor=user, data=changed,
                                people=_with_carried_details(people, current) if people_changed else None)
            result.updated.append(label)
        except (ValidationError, PermissionDenied) as error:
            _service_errors(row, error)
    if new and not result.errors and not result.dry_run:
        try:
            _save_new(user, new)
        except IntegrityError:  # someone saved the same data No. meanwhile: the transaction is rolled back
            result.errors.append({"row": 0, "column": "", "value": "", "reason": _(
                "Someone saved a record with one of these data numbers meanwhile. Nothing was saved; try again.")})
    if progress:
        progress(len(parsed))


PARSED = {*CODED, *DATES}


@cache
def _field_names(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.fields)


def _new_record(user, project: Project, data: dict, people: list[dict]) -> tuple[ManagedData, list[RecordPerson]]:
    """A new draft checked as `managed_data_create` checks it, for `_save_new` to save in bulk. The
    project, institution and creator are set here, and the data No. was checked against the project."""
    record = ManagedData(project=project, institution_id=project.institution_id, created_by=user,
                         **{k: v for k, v in data.items() if k in EDITABLE_FIELDS})
    record.set_project_columns(project)
    # full_clean() without its uniqueness checks (the data No. was checked against the project already),
    # and without re-checking coded values and dates, which parsing turned into valid ones
    record.clean_fields(exclude=[f for f in _field_names(ManagedData) if f not in data or f in PARSED])
    record.clean()
    rows = []
    for position, person in enumerate(people):
        values = {k: person.get(k) or "" for k in PERSON_FIELDS if k != "user"}
        row = RecordPerson(position=position, **values)
        try:
            row.clean_fields(exclude=[f for f in _field_names(RecordPerson) if not values.get(f)])
        except ValidationError as error:  # report it under the person's name or number column
            names, numbers = PEOPLE[row.kind]
            raise ValidationError({numbers if "erad_researcher_number" in error.message_dict else names:
                                   error.messages}) from None
        rows.append(row)
    return record, rows


def _save_new(user, new: list) -> None:
    """Save the new drafts of a file at once, with their people and their history (as
    `managed_data_create` does one by one)."""
    records = []
    for _row, record, _people in new:
        record.search_text = record.build_search_text()
        records.append(record)
    ManagedData.objects.bulk_create(records, batch_size=1000)
    _history_of_created(records, user)
    people = []
    for _row, record, rows in new:
        for person in rows:
            person.record = record
            people.append(person)
    RecordPerson.objects.bulk_create(people, batch_size=2000)


def _history_of_created(records: list[ManagedData], user) -> None:
    """The “created” history rows of just-inserted records, copied by the database from the rows
    themselves: the same rows `save()` would have recorded, without a second round of Python work."""
    history = ManagedData.history.model
    columns = [f.column for f in history._meta.concrete_fields if not f.name.startswith("history_")]
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    tracked = ", ".join(quote(c) for c in columns)
    now = timezone.now()
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        for start in range(0, len(records), 1000):
            ids = [r.pk for r in records[start:start + 1000]]
            cursor.execute(
                f"INSERT INTO {quote(history._meta.db_table)} ({tracked}, history_date, history_change_reason, "
                f"history_type, history_user_id) SELECT {tracked}, %s, NULL, '+', %s "
                f"FROM {quote(ManagedData._meta.db_table)} WHERE id IN ({', '.join(['%s'] * len(ids))})",
                [now, user.pk, *ids],
            )


def sheet_import_file(*, user, content: bytes, filename: str, dry_run: bool, language: str,
                      progress: Callable[[int], None] | None = None) -> ImportResult:
    with translation.override(language):
        try:
            columns, rows, first = sheet_read(content=content, filename=filename)
        except SheetError as error:
            return ImportResult(dry_run=dry_run, errors=[{"row": 0, "column": "", "value": filename,
                                                          "reason": str(error)}])
    return sheet_import(user=user, columns=columns, rows=rows, first_row=first, dry_run=dry_run, language=language,
                        progress=progress)


def sheet_import_start(*, user, content: bytes, filename: str, dry_run: bool,
                       language: str) -> ImportResult | SheetImport:
    """Import a small file at once; queue a large one (over SHEET_SYNC_MAX_ROWS rows) as a job."""
    try:
        _columns, rows, _first = sheet_read(content=content, filename=filename)
    except SheetError:
        rows = []
    if len(rows) > settings.SHEET_SYNC_MAX_ROWS:
        return sheet_import_job_create(user=user, content=content, filename=filename, dry_run=dry_run,
                                       language=language, total_rows=len(rows))
    return sheet_import_file(user=user, content=content, filename=filename, dry_run=dry_run, language=language)


# --- background jobs ---------------------------------------------------------------------------------

def sheet_import_job_create(*, user, content: bytes, filename: str, dry_run: bool, language: str,
                            total_rows: int) -> SheetImport:
    job = SheetImport.objects.create(user=user, content=content, filename=filename[:255], dry_run=dry_run,
                                     language=language, total_rows=total_rows)
    transaction.on_commit(lambda: sheet_import_job_run_task.delay(job.pk))
    return job


def sheet_import_job_run(*, job_id: int) -> None:
    """Run a queued import (idempotent: a job that already finished is left alone). Progress is written
    through a connection of its own, so that it shows while the import's transaction is still open."""
    job = SheetImport.objects.get(pk=job_id)
    if job.status in (SheetImport.Status.DONE, SheetImport.Status.FAILED):
        return
    job.status, job.processed_rows = SheetImport.Status.RUNNING, 0
    job.save(update_fields=["status", "processed_rows"])
    reporter = _ProgressReporter(job.pk)
    try:
        result = sheet_import_file(user=job.user, content=bytes(job.content), filename=job.filename,
                                   dry_run=job.dry_run, language=job.language, progress=reporter)
    except Exception:  # a time limit or a database failure: say so on the result page, then let Celery log it
        with translation.override(job.language):
            _finish(job, ImportResult(dry_run=job.dry_run, errors=[{
                "row": 0, "column": "", "value": job.filename,
                "reason": _("The import stopped because of an unexpected error. Nothing was saved; try again, "
                            "or ask the portal's operators if it happens again.")}]))
        raise
    finally:
        reporter.close()
    _finish(job, result)


def _finish(job: SheetImport, result: ImportResult) -> None:
    job.result = result.as_dict()
    job.status = SheetImport.Status.DONE if result.ok else SheetImport.Status.FAILED
    job.processed_rows = job.total_rows
    job.finished_at = timezone.now()
    job.content = b""
    job.save(update_fields=["result", "status", "processed_rows", "finished_at", "content"])


class _ProgressReporter:
    """Writes a job's progress outside the import's transaction. SQLite has one writer at a time, so
    there the progress shows only at the end."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None
        if connections[DEFAULT_DB_ALIAS].vendor != "sqlite":
            self.connection = connections.create_connection(DEFAULT_DB_ALIAS)

    def __call__(self, done: int) -> None:
        if self.connection is not None:
            with self.connection.cursor() as cursor:
                cursor.execute(f"UPDATE {SheetImport._meta.db_table} SET processed_rows = %s WHERE id = %s",
                               [done, self.job_id])

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()

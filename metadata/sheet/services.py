"""Export of the metadata sheet (the official JA and EN sheets, or the portal layout; .xlsx or CSV) and
its import: read the file once within bounds, compare each row with what the export writes for its record,
check every changed or new row completely, then save through the managed-data services, all or nothing."""

import copy
import csv
import datetime
import gc
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache, reduce
from operator import or_

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import range_boundaries

from dmp.models import Project
from portal.spreadsheets import csv_unescape, csv_writer
from portal.validators import normalize_ror

from ..formats.common import labels
from ..models import ManagedData, RecordPerson
from ..permissions import can_create_managed_data, editable_record_ids, record_links
from ..services import (
    EDITABLE_FIELDS,
    WRITE_REFUSAL,
    managed_data_build,
    managed_data_create_many,
    managed_data_edit_refusal,
    managed_data_revise,
    managed_data_update_many,
)
from ..validators import normalize_repository_url
from ..vocabularies import PROJECT_FIELD, DataManagerType, MetadataAccess, ProvisionPolicy
from .columns import BY_HEADER, CODED, DATES, OTHER_MARK, PEOPLE, PROJECT_INFO, header_of, layout, normal
from .models import SheetImport
from .selectors import sheet_existing_records

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WORKSHEET_TITLES = {"ja": "日本語", "en": "English", "portal": "portal"}
PERSON_CARRIED = ("orcid", "affiliation_ja", "affiliation_en", "user")
# Values a new record gets when its cell is empty (the model's defaults).
DEFAULTS = {"research_field": PROJECT_FIELD, "data_type": "dataset", "provision_policy": ProvisionPolicy.FREE,
            "data_manager_type": DataManagerType.INDIVIDUAL, "metadata_access": MetadataAccess.OPEN}
PARSED = (*CODED, *DATES)  # made valid by the parser: not checked again
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


class SheetError(Exception):
    """A file that cannot be read as a sheet at all."""


# --- export ------------------------------------------------------------------------------------------

def _is_japanese(text: str) -> bool:
    return any(ord(ch) > 0x7F for ch in text)


def _portal_person(person) -> str:
    """“Japanese|English”, or one name alone when its script says which it is."""
    ja, en = person.name_ja, person.name_en
    if ja and en:
        return f"{ja}|{en}"
    if ja:
        return ja if _is_japanese(ja) else f"{ja}|"
    return en if not _is_japanese(en) else f"|{en}"


def _in(obj, base: str, language: str) -> str:
    """A bilingual value in `language`, or in the other one when it has none (the official sheets)."""
    other = "en" if language == "ja" else "ja"
    return getattr(obj, f"{base}_{language}") or getattr(obj, f"{base}_{other}")


def record_values(record: ManagedData, *, language: str, portal: bool) -> dict[str, str]:
    """{column key: cell text} of a record as the sheet in `language` writes it (the portal layout: both
    languages of bilingual elements, names as “Japanese|English”)."""
    index = 0 if language == "ja" else 1
    project = record.project
    program = project.program
    values = {"funder": _in(program.funder, "name", language), "program_code": program.code,
              "program_name": _in(program, "name", language), "grant_number": project.grant_number,
              "project_name": _in(project, "name", language)}
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
        elif not portal and key.endswith(("_ja", "_en")):
            value = _in(record, key[:-3], key[-2:])
        values[key] = value
    for kind, (names, numbers) in PEOPLE.items():
        people = [p for p in record.people.all() if p.kind == kind]
        values[names] = ";".join(_portal_person(p) if portal else _in(p, "name", language) for p in people)
        joined = ";".join(p.erad_researcher_number for p in people)
        values[numbers] = joined if joined.strip(";") else ""
    return values


def _sheets(layout_name: str, language: str) -> list[str]:
    """The layouts a file holds: an official workbook both sheets, a CSV one."""
    return [layout_name] if layout_name != "official" else [language]


def _rows(records: Iterable[ManagedData], name: str, language: str):
    columns = layout(name, language)
    yield [h for _key, h in columns]
    for record in records:
        values = record_values(record, language=language if name == "portal" else name, portal=name == "portal")
        yield [values[key] for key, _h in columns]


def _text_cell(sheet, value) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith("="):  # text that looks like a formula stays text
        cell.data_type = "s"
    return cell


def sheet_export_xlsx(*, records: Iterable[ManagedData], language: str, layout_name: str = "official") -> bytes:
    """The records as a workbook (`records` come from `selectors.sheet_records`, i.e. `visible_to`): the
    official layout as two worksheets, 日本語 and English; the portal layout as one."""
    workbook = Workbook(write_only=True)
    records = list(records)
    for name in ["ja", "en"] if layout_name == "official" else ["portal"]:
        sheet = workbook.create_sheet(WORKSHEET_TITLES[name])
        for row in _rows(records, name, language):
            sheet.append([_text_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_export_csv(*, records: Iterable[ManagedData], language: str, layout_name: str = "official") -> bytes:
    """One sheet as CSV (UTF-8 with BOM): the official one in `language`, or the portal layout. Cells that
    would open as formulas are neutralised (`portal.spreadsheets`); the import reads them back unchanged."""
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\r\n")
    writer.writerows(_rows(records, language if layout_name == "official" else "portal", language))
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


# --- reading a file, within bounds -------------------------------------------------------------------

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


def _too_many_rows() -> SheetError:
    return SheetError(_("The file has more than %(max)d rows; split it into smaller files.") % {
        "max": settings.SHEET_MAX_ROWS})


def _check_workbook(content: bytes) -> None:
    """Refuse, before openpyxl parses anything, a workbook that would cost more than its size suggests:
    XML entity declarations, parts that expand beyond SHEET_MAX_EXPANDED_BYTES, a declared size beyond the
    row cap."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError):
        raise SheetError(_("This file is not an Excel workbook (.xlsx).")) from None
    if sum(part.file_size for part in parts) > settings.SHEET_MAX_EXPANDED_BYTES:
        raise SheetError(_("The workbook expands to more than %(max)d MB; split it into smaller files.") % {
            "max": settings.SHEET_MAX_EXPANDED_BYTES // 10**6})
    for part in parts:
        if not part.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            data = archive.read(part)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
            raise SheetError(_("This file is not an Excel workbook (.xlsx).")) from None
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise SheetError(_("The workbook declares XML entities, which a spreadsheet does not need; "
                               "save it again from Excel or LibreOffice."))
        dimension = DIMENSION.search(data, 0, 4096) if part.filename.startswith("xl/worksheets/") else None
        if dimension:
            _min_col, _min_row, _max_col, max_row = range_boundaries(dimension.group(1).decode())
            if (max_row or 0) > settings.SHEET_MAX_ROWS + 1:
                raise _too_many_rows()


def _read_xlsx(content: bytes) -> list[list[str]]:
    _check_workbook(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        # the worksheet the user saved the file on (日本語 or English), else the first one
        sheet = workbook.active if workbook.active in workbook.worksheets else workbook.worksheets[0]
        sheet.reset_dimensions()  # read what is there, not what the file declares
        rows = []
        for row in sheet.iter_rows(values_only=True, max_col=settings.SHEET_MAX_COLUMNS):
            if len(rows) > settings.SHEET_MAX_ROWS:
                raise _too_many_rows()
            rows.append([_cell_text(v) for v in row])
        workbook.close()
    except SheetError:
        raise
    except Exception:  # openpyxl raises many kinds of error for a file that is not a workbook
        raise SheetError(_("This file is not an Excel workbook (.xlsx).")) from None
    return rows


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), else Shift_JIS / CP932 (what Excel on Japanese Windows saves)."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(_("The CSV file must be encoded in UTF-8 or Shift_JIS."))


def _read_csv(content: bytes) -> list[list[str]]:
    text = _decode(content)
    if "\x00" in text:
        raise SheetError(_("Line %(line)d holds a NUL character, which no cell may hold.") % {
            "line": text.count("\n", 0, text.index("\x00")) + 1})
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = []
    try:
        for row in reader:
            if len(rows) > settings.SHEET_MAX_ROWS:
                raise _too_many_rows()
            rows.append([csv_unescape(cell).strip() for cell in row[:settings.SHEET_MAX_COLUMNS]])
    except csv.Error:
        raise SheetError(_("Line %(line)d cannot be read: a cell is longer than %(max)d characters, or a "
                           "quotation mark is not closed.") % {"line": reader.line_num,
                                                               "max": csv.field_size_limit()}) from None
    return rows


@dataclass
class SheetFile:
    """A file read once: its headers and its data rows as (row number, cells)."""

    headers: list[str]
    rows: list[tuple[int, list[str]]]


def sheet_read(*, content: bytes, filename: str) -> SheetFile:
    if len(content) > settings.SHEET_MAX_BYTES:
        raise SheetError(_("The file is larger than %(max)d MB; split it into smaller files.") % {
            "max": settings.SHEET_MAX_BYTES // 10**6})
    if filename.lower().endswith(".xlsx"):
        rows = _read_xlsx(content)
    elif filename.lower().endswith(".csv"):
        rows = _read_csv(content)
    else:
        raise SheetError(_("Upload an .xlsx or .csv file."))
    numbered = [(number, row) for number, row in enumerate(rows, 1) if any(row)]
    if not numbered:
        raise SheetError(_("The file is empty."))
    (_number, headers), data = numbered[0], numbered[1:]
    # the portal's older files had a second header row, in the other language: skip it
    if data and all(not h or normal(h) in BY_HEADER for h in data[0][1]) and any(
            normal(h) in BY_HEADER for h in data[0][1]):
        data = data[1:]
    return SheetFile(headers, data)


# --- import ------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    errors: list[dict] = field(default_factory=list)  # row, column, value, reason
    created: list[str] = field(default_factory=list)  # "grant number / data No."
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    not_yours: int = 0  # rows of records the importer may not change, equal to what is stored
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "errors": self.errors, "created": self.created,
                "updated": self.updated, "unchanged": self.unchanged, "not_yours": self.not_yours}


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


def _same(cell: str, stored: str) -> bool:
    return cell.replace("\r\n", "\n").strip() == stored.replace("\r\n", "\n").strip()


class _Row:
    """One data row being imported: its cells by column key and the problems found in it."""

    def __init__(self, number: int, cells: dict[str, str], sheet: "_Sheet"):
        self.number, self.cells, self.sheet = number, cells, sheet
        self.failed: set[str] = set()  # the columns already reported

    def error(self, key: str, reason) -> None:
        self.failed.add(key)
        self.sheet.result.errors.append({"row": self.number, "column": self.sheet.header(key),
                                         "value": self.cells.get(key, ""), "reason": str(reason)})

    def parse(self, keys: Iterable[str], existing: ManagedData | None, project: Project) -> tuple[dict, list | None]:
        """(field values, people or None when the people columns are unchanged) of the cells `keys`,
        reporting every cell that cannot be read."""
        data = {}
        for key in keys:
            if key in EDITABLE_FIELDS:
                try:
                    data[key] = self._value(key, self.cells[key], existing, project)
                except (ValueError, ValidationError) as error:
                    for message in error.messages if isinstance(error, ValidationError) else [str(error)]:
                        self.error(key, message)
        people_keys = [k for pair in PEOPLE.values() for k in pair]
        if not any(k in keys for k in people_keys):
            return data, None
        people = []
        for kind, (names, numbers) in PEOPLE.items():
            if names not in self.cells and numbers not in self.cells:  # keep who is there
                people += [_person_dict(p) for p in existing.people.all() if p.kind == kind] if existing else []
                continue
            try:
                people += self._people(kind, existing)
            except ValueError as error:
                self.error(numbers, str(error))
        return data, people

    def _people(self, kind: str, existing: ManagedData | None) -> list[dict]:
        """The people of one kind from their names and numbers; what the sheet does not show (the other
        language's name in an official sheet, ORCID, affiliation, portal user) is kept for people who stay."""
        names, numbers = PEOPLE[kind]
        current = [p for p in existing.people.all() if p.kind == kind] if existing else []
        names_text, numbers_text = self.cells.get(names), self.cells.get(numbers)
        if names_text is None:  # numbers only: the names stay
            people = [_person_dict(p) for p in current]
            for person in people:
                person["erad_researcher_number"] = ""
        else:
            people = []
            for cell in (n.strip() for n in names_text.split(";") if n.strip()):
                people.append(self._person(kind, cell, current))
        if numbers_text is not None:
            for person in people:
                person["erad_researcher_number"] = ""
            for position, number in enumerate(n.strip() for n in numbers_text.split(";")):
                if number:
                    if position >= len(people):
                        raise ValueError(_("There are more researcher numbers than people in the name column."))
                    people[position]["erad_researcher_number"] = number
        return people

    def _person(self, kind: str, cell: str, current: list[RecordPerson]) -> dict:
        if self.sheet.portal:
            if "|" in cell:
                ja, _sep, en = (part.strip() for part in cell.partition("|"))
            else:
                ja, en = (cell, "") if _is_japanese(cell) else ("", cell)
        else:
            ja, en = (cell, "") if self.sheet.language == "ja" else ("", cell)
        same = next((p for p in current if cell in (p.name_ja, p.name_en, _portal_person(p))), None)
        if same is not None and not self.sheet.portal:  # the official sheet shows one language: keep both
            ja, en = same.name_ja, same.name_en
        person = {"kind": kind, "name_ja": ja, "name_en": en, "erad_researcher_number": ""}
        if same is not None:
            person.update({key: getattr(same, key) for key in PERSON_CARRIED})
        return person

    @staticmethod
    def _value(key: str, text: str, existing: ManagedData | None, project: Project):
        if key in DATES:
            if not text:
                return None
            try:
                if not ISO_DATE.fullmatch(text):
                    raise ValueError
                return datetime.date.fromisoformat(text)
            except ValueError:
                raise ValueError(_("This is not a date; write it as YYYY-MM-DD.")) from None
        if key in CODED:
            if not text:
                return DEFAULTS.get(key, "")
            code = _codes(CODED[key]).get(text.casefold())
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


def _person_dict(person: RecordPerson) -> dict:
    return {"kind": person.kind, "name_ja": person.name_ja, "name_en": person.name_en,
            "erad_researcher_number": person.erad_researcher_number,
            **{key: getattr(person, key) for key in PERSON_CARRIED}}


class _Sheet:
    """What an import knows of its file: which column holds which key, its layout and its language."""

    def __init__(self, headers: list[str], result: ImportResult, language: str):
        self.result, self.language = result, language
        self.keys = [BY_HEADER.get(normal(h)) if h else None for h in headers]
        self.headers = {key: h for key, h in zip(self.keys, headers, strict=True) if key}
        present = set(self.headers)
        marks = tuple(normal(m) for m in OTHER_MARK.values()) + (normal(" (English)"),)
        self.portal = bool({"data_manager_type", "metadata_access"} & present) or any(
            normal(h).endswith(marks) for h in self.headers.values())
        grant_header = self.headers.get("grant_number") or self.headers.get("data_no") or ""
        self.file_language = "ja" if _is_japanese(grant_header) else "en"
        for position, (key, text) in enumerate(zip(self.keys, headers, strict=True)):
            if key is None and text:
                result.errors.append({"row": 1, "column": text, "value": "", "reason": _(
                    "Column %(number)d has an unknown header.") % {"number": position + 1}})
        for required in ("grant_number", "data_no"):
            if required not in present:
                result.errors.append({"row": 1, "column": header_of(required, language), "value": "",
                                      "reason": _("This column is missing.")})

    def header(self, key: str) -> str:
        return self.headers.get(key) or header_of(key, self.language)

    def row(self, number: int, cells: list[str]) -> _Row:
        values = {}
        for position, key in enumerate(self.keys):
            if key and key not in PROJECT_INFO:
                text = cells[position] if position < len(cells) else ""
                if key == "contact":  # the 2021 sheet's one contact column: an e-mail address, or an address
                    key = "contact_email" if "@" in text else "contact_address_ja"
                values[key] = text
        return _Row(number, values, self)

    def expected(self, record: ManagedData) -> dict[str, str]:
        return record_values(record, language=self.file_language, portal=self.portal)

    def column_of(self, field_name: str, row: _Row, people: list | None) -> str:
        """The column that shows a field a service complained about."""
        if field_name.startswith("people"):
            match = re.match(r"people\[(\d+)\]\.(\w+)", field_name)
            if match is None:  # a missing data manager or a nameless person
                managers = [p for p in people or [] if p["kind"] == "data_manager"]
                return "creators" if managers or "data_managers" not in self.headers else "data_managers"
            kind = people[int(match.group(1))]["kind"] if people else "creator"
            names, numbers = PEOPLE[kind]
            return numbers if match.group(2) == "erad_researcher_number" else names
        if field_name in self.headers or field_name not in EDITABLE_FIELDS:
            return field_name if field_name in EDITABLE_FIELDS else "data_no"
        if field_name.endswith(("_ja", "_en")):
            other = field_name[:-2] + ("en" if field_name.endswith("_ja") else "ja")
            if other in self.headers:
                return other
        return field_name

    def report(self, row: _Row, error: ValidationError, people: list | None, skip: set[str]) -> None:
        """Report what a service refused under the column that shows it (once per column)."""
        by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        for name, messages in by_field.items():
            column = self.column_of(name, row, people)
            if column not in skip:
                for message in messages:
                    row.error(column, message)


def sheet_import(*, user, sheet: SheetFile, dry_run: bool, language: str, as_drafts: bool = False,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Create or update the records of a sheet (rows matched by grant number and data No.) as `user`,
    through the managed-data services. Rows equal to what the export writes change nothing (those of
    records `user` may not change are counted as “not yours”); every changed or new row is checked
    completely (unless `as_drafts`: drafts may stay incomplete). Nothing is saved if any row has a
    problem, or on a dry run."""
    result = ImportResult(dry_run=dry_run)
    with translation.override(language):
        columns = _Sheet(sheet.headers, result, language)
        if result.errors:
            return result
        rows = [columns.row(number, cells) for number, cells in sheet.rows]
        grants = {row.cells.get("grant_number", "").casefold() for row in rows} - {""}
        projects = {}
        if grants:
            matching = reduce(or_, (Q(grant_number__iexact=g) for g in grants))
            projects = {p.grant_number.casefold(): p for p in
                        Project.objects.with_member(user).select_related("program").filter(matching)}
        existing = sheet_existing_records(user=user, grant_numbers=grants)
        editable = editable_record_ids(user, existing.values())
        try:
            with transaction.atomic(), _no_cyclic_gc():
                _apply(user, columns, rows, projects, existing, editable, as_drafts, progress)
                if result.errors or dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        if result.errors:
            result.created, result.updated, result.unchanged, result.not_yours = [], [], 0, 0
    return result


def _apply(user, columns: _Sheet, rows: list[_Row], projects: dict, existing: dict, editable: set, as_drafts: bool,
           progress) -> None:
    result = columns.result
    seen: dict[tuple, int] = {}
    drafts, updates = [], []
    may_create: dict[int, bool] = {}
    for index, row in enumerate(rows, 1):
        if progress and index % 500 == 0:
            progress(index)
        grant, data_no = row.cells.get("grant_number", ""), row.cells.get("data_no", "")
        if not grant:
            row.error("grant_number", _("Give the Japan Grant Number: rows are matched to records by it and the "
                                        "data No."))
        if not data_no:
            row.error("data_no", _("Give the data No.: rows are matched to records by it within the project."))
        if not grant or not data_no:
            continue
        key = (grant.casefold(), data_no)
        if key in seen:
            row.error("data_no", _("This data No. is also on row %(row)d for the same project.") % {"row": seen[key]})
            continue
        seen[key] = row.number
        record = existing.get(key)
        if record is not None:
            expected = columns.expected(record)
            changed = [k for k, text in row.cells.items() if k in expected and k != "grant_number"
                       and not _same(text, expected[k])]
            if not changed:
                if record.pk in editable:
                    result.unchanged += 1
                else:
                    result.not_yours += 1
                continue
            if record.pk not in editable:
                row.error(changed[0], _("You may not change this record: %(reason)s Leave its row as exported, or "
                                        "remove it.") % {"reason": managed_data_edit_refusal(record)})
                continue
            data, people = row.parse(changed, record, record.project)
            revised = copy.copy(record)
            try:  # the data No. is what matched the record: it is not changed here
                rows_of_people = managed_data_revise(record=revised, data=data, people=people,
                                                     complete=not as_drafts, check_unique=False)
            except ValidationError as error:
                columns.report(row, error, people, skip=row.failed)
                continue
            if row.failed:
                continue
            updates.append((record, revised, rows_of_people))
            result.updated.append(f"{record.project.grant_number} / {data_no}")
            continue
        project = projects.get(grant.casefold())
        if project is not None and project.pk not in may_create:
            may_create[project.pk] = can_create_managed_data(user, project)
        if project is None:
            row.error("grant_number", _("No project with this Japan Grant Number is open to you for registering "
                                        "data."))
            continue
        if not may_create[project.pk]:
            row.error("grant_number", str(WRITE_REFUSAL))
            continue
        data, people = row.parse([k for k, text in row.cells.items() if text or k in CODED], None, project)
        try:  # also when some cells could not be read: every problem of the row is reported at once
            draft = managed_data_build(project=project, actor=user, data=data, people=people or [],
                                       complete=not as_drafts, check_unique=False, valid=PARSED)
        except ValidationError as error:
            columns.report(row, error, people, skip=row.failed)
            continue
        if row.failed:
            continue
        drafts.append(draft)
        result.created.append(f"{project.grant_number} / {data_no}")
    if not result.errors and not result.dry_run:
        try:
            managed_data_update_many(actor=user, revisions=updates)
            managed_data_create_many(actor=user, drafts=drafts)
        except IntegrityError:  # someone saved the same data No. meanwhile: the transaction is rolled back
            result.errors.append({"row": 0, "column": "", "value": "", "reason": _(
                "Someone saved a record with one of these data numbers meanwhile. Nothing was saved; try again.")})
        except (ValidationError, PermissionDenied) as error:  # changed by someone else since it was read
            result.errors.append({"row": 0, "column": "", "value": "", "reason": " ".join(
                error.messages if isinstance(error, ValidationError) else [str(error)])})
    if progress:
        progress(len(rows))


def sheet_import_file(*, user, content: bytes, filename: str, dry_run: bool, language: str, as_drafts: bool = False,
                      progress: Callable[[int], None] | None = None) -> ImportResult:
    with translation.override(language):
        try:
            sheet = sheet_read(content=content, filename=filename)
        except SheetError as error:
            return ImportResult(dry_run=dry_run, errors=[{"row": 0, "column": "", "value": filename,
                                                          "reason": str(error)}])
    return sheet_import(user=user, sheet=sheet, dry_run=dry_run, language=language, as_drafts=as_drafts,
                        progress=progress)


def sheet_import_start(*, user, content: bytes, filename: str, dry_run: bool, language: str,
                       as_drafts: bool = False) -> ImportResult | SheetImport:
    """Import a small file at once; queue a large one (over SHEET_SYNC_MAX_ROWS rows) as a job. The file
    is read once, here: a job keeps the rows read, and the worker imports them without reading the file again."""
    with translation.override(language):
        try:
            sheet = sheet_read(content=content, filename=filename)
        except SheetError as error:
            return ImportResult(dry_run=dry_run, errors=[{"row": 0, "column": "", "value": filename,
                                                          "reason": str(error)}])
    if len(sheet.rows) > settings.SHEET_SYNC_MAX_ROWS:
        return sheet_import_job_create(user=user, sheet=sheet, filename=filename, dry_run=dry_run,
                                       language=language, as_drafts=as_drafts)
    return sheet_import(user=user, sheet=sheet, dry_run=dry_run, language=language, as_drafts=as_drafts)


# --- background jobs ---------------------------------------------------------------------------------

JOB_TASK = "metadata.sheet.tasks.sheet_import_job_run"


def sheet_import_job_create(*, user, sheet: SheetFile, filename: str, dry_run: bool, language: str,
                            as_drafts: bool) -> SheetImport:
    """Queue a job for a file read by `sheet_read`, keeping its rows as JSON. The task is found by its name
    (registered when the app is ready), so that this module and the task module, which calls
    `sheet_import_job_run`, do not import each other."""
    content = json.dumps(asdict(sheet), ensure_ascii=False, separators=(",", ":")).encode()
    job = SheetImport.objects.create(user=user, content=content, filename=filename[:255], dry_run=dry_run,
                                     as_drafts=as_drafts, language=language, total_rows=len(sheet.rows))
    transaction.on_commit(lambda: current_app.tasks[JOB_TASK].delay(job.pk))
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
        result = sheet_import(user=job.user, sheet=SheetFile(**json.loads(bytes(job.content))), dry_run=job.dry_run,
                              language=job.language, as_drafts=job.as_drafts, progress=reporter)
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

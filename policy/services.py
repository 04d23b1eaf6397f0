"""Every write on data policies, funding programs and their requirements."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Funder, Institution
from portal.services import model_update

from .models import DataPolicy, FundingProgram, ProgramRequirement
from .permissions import can_import_programs, can_manage_data_policies

POLICY_FIELDS = ["title_ja", "title_en", "version", "document", "document_url", "summary_ja", "summary_en"]


def _save_with_history(policy: DataPolicy, *, actor, reason: str, update_fields=None) -> None:
    """Save with a history entry whose reason is a code of `models.CHANGE_REASONS`."""
    policy._history_user = actor
    policy._change_reason = reason
    policy.save(update_fields=update_fields)


@transaction.atomic(durable=True)
def data_policy_create(*, institution: Institution, actor, data: dict) -> DataPolicy:
    """A new draft policy of `institution`."""
    if not can_manage_data_policies(actor, institution):
        raise PermissionDenied(_("Only the institution's administrators may write its data policy."))
    policy = DataPolicy(institution=institution, status=DataPolicy.Status.DRAFT,
                        **{f: data[f] for f in POLICY_FIELDS if f in data})
    policy.full_clean()
    _save_with_history(policy, actor=actor, reason="created")
    return policy


@transaction.atomic(durable=True)
def data_policy_update(*, policy_id: int, actor, data: dict) -> DataPolicy:
    """Change a draft. Adopted and superseded policies are kept as they were; revise by a new draft."""
    policy = DataPolicy.objects.select_for_update().get(pk=policy_id)
    if not can_manage_data_policies(actor, policy.institution_id):
        raise PermissionDenied(_("Only the institution's administrators may write its data policy."))
    if policy.status != DataPolicy.Status.DRAFT:
        raise ValidationError(
            _("This policy is %(state)s and can no longer be changed; write a new version instead.")
            % {"state": policy.get_status_display()}
        )
    policy._history_user = actor
    policy._change_reason = "edited"
    model_update(instance=policy, data=data, fields=POLICY_FIELDS)
    return policy


@transaction.atomic(durable=True)
def data_policy_adopt(*, policy_id: int, actor, adopted_on=None) -> DataPolicy:
    """Adopt a draft; the institution's policy adopted until now becomes superseded. The institution
    row is locked first, so two adoptions at one institution run one after the other."""
    institution_id = DataPolicy.objects.values_list("institution_id", flat=True).get(pk=policy_id)
    if not can_manage_data_policies(actor, institution_id):
        raise PermissionDenied(_("Only the institution's administrators may adopt its data policy."))
    if adopted_on and adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _(
            "The adoption date %(date)s is later than today: adopt the policy on the day it takes effect, "
            "so that the list never shows a future policy as the current one.") % {"date": adopted_on}})
    Institution.objects.select_for_update().get(pk=institution_id)
    policy = DataPolicy.objects.select_for_update().get(pk=policy_id)
    if policy.status != DataPolicy.Status.DRAFT:
        raise ValidationError(
            _("This policy is %(state)s; only a draft can be adopted.") % {"state": policy.get_status_display()}
        )
    if not (policy.document or policy.document_url):
        raise ValidationError({"document_url": _("Attach the policy document or give its URL before adopting it.")})
    for previous in DataPolicy.objects.select_for_update().filter(
        institution_id=institution_id, status=DataPolicy.Status.ADOPTED
    ):
        previous.status = DataPolicy.Status.SUPERSEDED
        _save_with_history(previous, actor=actor, reason=f"superseded:{policy.version}",
                           update_fields=["status"])
    policy.status = DataPolicy.Status.ADOPTED
    policy.adopted_on = adopted_on or timezone.localdate()
    _save_with_history(policy, actor=actor, reason=DataPolicy.Status.ADOPTED, update_fields=["status", "adopted_on"])
    return policy


# CSV import of programs and their requirements ------------------------------------------------------

IMPORT_COLUMNS = ("funder", "program_name_ja", "program_name_en", "program_code", "competitive", "fiscal_year",
                  "dmp_required", "metadata_required")
REQUIRED_COLUMNS = ("funder", "program_name_ja", "fiscal_year", "dmp_required")
TRUE_VALUES = {"yes", "y", "true", "1", "はい", "要", "○"}
FALSE_VALUES = {"no", "n", "false", "0", "いいえ", "不要", "×", ""}
LEVEL_VALUES = {"yes": "yes", "required": "yes", "要": "yes", "あり": "yes",
                "partly": "partly", "partial": "partly", "一部": "partly",
                "no": "no", "not required": "no", "不要": "no", "なし": "no"}


@dataclass
class ImportRowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


class ProgramImportError(Exception):
    """The file was rejected; nothing was saved. `errors` lists every problem found, by row and column."""

    def __init__(self, errors: list[ImportRowError]):
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


@dataclass
class ProgramImportResult:
    programs_created: int = 0
    programs_updated: int = 0
    requirements_created: int = 0
    requirements_updated: int = 0
    rows: int = 0
    funders: set = field(default_factory=set)


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ProgramImportError([ImportRowError(1, "-", _("The file is neither UTF-8 nor Shift_JIS text."))])


def _flag(value: str, row: int, column: str, errors: list) -> bool:
    value = value.strip().lower()
    if value in TRUE_VALUES:
        return True
    if value not in FALSE_VALUES:
        errors.append(ImportRowError(row, column, _("“%(value)s” is not yes or no.") % {"value": value}))
    return False


def _parse_rows(text: str) -> list[dict]:
    reader = csv.DictReader(io.StringIO(text))
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        raise ProgramImportError(
            [ImportRowError(1, c, _("This column is missing from the header row.")) for c in missing])
    unknown = [h for h in headers if h not in IMPORT_COLUMNS]
    if unknown:
        raise ProgramImportError([ImportRowError(1, h, _("Unknown column; expected one of: %(columns)s.")
                                               % {"columns": ", ".join(IMPORT_COLUMNS)}) for h in unknown])
    reader.fieldnames = headers
    return [{k: (v or "").strip() for k, v in r.items() if k is not None} for r in reader]


def _validate(rows: list[dict], funders: dict[str, Funder]) -> tuple[list[dict], list[ImportRowError]]:
    errors: list[ImportRowError] = []
    clean = []
    seen = {}
    for number, row in enumerate(rows, start=2):
        before = len(errors)
        funder = funders.get(row.get("funder", "").upper())
        if funder is None:
            errors.append(ImportRowError(number, "funder",
                                         _("Unknown funder “%(code)s”.") % {"code": row.get("funder")}))
        if not row.get("program_name_ja"):
            errors.append(ImportRowError(number, "program_name_ja", _("The program's Japanese name is required.")))
        try:
            year = int(row.get("fiscal_year", ""))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            errors.append(ImportRowError(number, "fiscal_year", _("“%(value)s” is not a fiscal year such as 2023.")
                                       % {"value": row.get("fiscal_year", "")}))
            year = None
        level = LEVEL_VALUES.get(row.get("dmp_required", "").lower())
        if level is None:
            errors.append(ImportRowError(number, "dmp_required", _("“%(value)s” is not yes, partly or no.")
                                       % {"value": row.get("dmp_required", "")}))
        metadata = _flag(row.get("metadata_required", ""), number, "metadata_required", errors)
        competitive = _flag(row.get("competitive") or "yes", number, "competitive", errors)
        code = row.get("program_code", "")
        program = FundingProgram(funder=funder, name_ja=row.get("program_name_ja", ""),
                                 name_en=row.get("program_name_en", ""), code=code, competitive=competitive)
        try:
            program.clean_fields(exclude=["funder"])
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                name = {"code": "program_code", "name_ja": "program_name_ja", "name_en": "program_name_en"}.get(
                    column, column)
                errors.extend(ImportRowError(number, name, m) for m in messages)
        key = (row.get("funder", "").upper(), row.get("program_name_ja"), year)
        if key in seen:
            errors.append(ImportRowError(number, "fiscal_year", _("Repeats row %(row)s (same program and fiscal year).")
                                       % {"row": seen[key]}))
        seen[key] = number
        if len(errors) == before:
            clean.append({"funder": funder, "program": program, "year": year, "level": level, "metadata": metadata})
    return clean, errors


@transaction.atomic(durable=True)
def program_import_csv(*, raw: bytes, actor) -> ProgramImportResult:
    """Create or update programs (by funder and Japanese name) and their requirement per fiscal year from
    a CSV file. All or nothing: any bad row rejects the whole file with every error listed. `actor` is
    None when an operator runs the management command."""
    if actor is not None and not can_import_programs(actor):
        raise PermissionDenied(_("Only operators may import funding programs."))
    rows = _parse_rows(_decode(raw))
    if not rows:
        raise ProgramImportError([ImportRowError(2, "-", _("The file has a header row but no data rows."))])
    funders = {f.code.upper(): f for f in Funder.objects.all()}
    clean, errors = _validate(rows, funders)
    if errors:
        raise ProgramImportError(errors)
    result = ProgramImportResult(rows=len(clean))
    programs = {}
    for row in clean:
        draft = row["program"]
        key = (row["funder"].pk, draft.name_ja)
        if key not in programs:
            programs[key], created = FundingProgram.objects.update_or_create(
                funder=row["funder"], name_ja=draft.name_ja,
                defaults={"name_en": draft.name_en, "code": draft.code, "competitive": draft.competitive},
            )
            result.programs_created += created
            result.programs_updated += not created
        created = ProgramRequirement.objects.update_or_create(
            program=programs[key], fiscal_year=row["year"],
            defaults={"dmp_required": row["level"], "metadata_required": row["metadata"]},
        )[1]
        result.requirements_created += created
        result.requirements_updated += not created
        result.funders.add(row["funder"].code)
    return result

"""Machine-actionable DMP (RDA DMP Common Standard): export a DMP with its project and linked managed data
as 1.2, and import a 1.1 or 1.2 file as a draft DMP with managed-data drafts. What the portal has a place
for goes into its fields; the rest of an imported file is kept in `DMP.madmp_extension` and given back on
export, so that export → import → export gives the same JSON. Uploads are bounded (size, nesting, number
length) before they are parsed."""

import copy
import datetime
import json
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

import jsonschema
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dmp.models import (
    DMP,
    Project,
    ProjectMember,
    QuestionType,
    ResearchField,
    TemplateQuestion,
    grant_number_validator,
)
from dmp.permissions import project_institution_ids
from dmp.selectors import template_for_program
from dmp.services import dmp_create, project_create
from dmp.validators import clean_answer
from portal.models import Institution, User

from .files.selectors import record_files
from .models import ManagedData, RecordPerson
from .permissions import record_links
from .services import managed_data_create
from .validators import SIZE_RE
from .vocabularies import LICENSE_URL, AccessRight, DataType

SCHEMA_PATHS = {"1.2": ("rda-dmp-common-standard", "JSON-schema", "1.2", "maDMP-schema-1.2.json"),
                "1.1": ("rda-dmp-common-standard", "JSON-schema", "1.1", "maDMP-schema-1.1.json")}
MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 30
STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
BRACKET = re.compile(r"[\[\]{}]")
DATA_ACCESS = {AccessRight.OPEN: "open", AccessRight.EMBARGOED: "open", AccessRight.SHARED: "shared",
               AccessRight.CLOSED: "closed"}
IMPORT_ACCESS = {"open": AccessRight.OPEN, "shared": AccessRight.SHARED, "closed": AccessRight.CLOSED}
MEMBER_ROLES = {ProjectMember.Role.CO_INVESTIGATOR: "ProjectMember", ProjectMember.Role.DATA_CREATOR: "DataCollector",
                ProjectMember.Role.DATA_STEWARD: "DataManager", ProjectMember.Role.CONTRIBUTOR: "Other"}
IMPORT_ROLES = {v: k for k, v in MEMBER_ROLES.items()}
UNITS = {"B": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12, "PB": 10**15}
PLAIN_SIZE = re.compile(r"^([0-9]+(?:\.[0-9]+)?) ?([KMGTP]?B)$")
TIMESTAMP = "%Y-%m-%dT%H:%M:%SZ"


@cache
def madmp_schema(version: str = "1.2") -> dict:
    return json.loads(Path(str(settings.SCHEMA_DIR)).joinpath(*SCHEMA_PATHS[version]).read_text(encoding="utf-8"))


def madmp_parse(raw: bytes) -> dict:
    """An uploaded maDMP file as JSON, refused with a ValidationError (key `$`) when it is larger than
    MADMP_MAX_BYTES, nested deeper than MAX_DEPTH or holds a number longer than MAX_NUMBER_DIGITS digits,
    before any of that costs memory or time."""
    if len(raw) > settings.MADMP_MAX_BYTES:
        raise ValidationError({"$": [_("The file is larger than %(max)d kB.") % {
            "max": settings.MADMP_MAX_BYTES // 1000}]})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"$": [_("This is not a JSON file: it is not encoded in UTF-8.")]}) from None
    depth = deepest = 0
    for bracket in BRACKET.finditer(STRING.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
    if deepest > MAX_DEPTH:
        raise ValidationError({"$": [_("The JSON is nested deeper than %(max)d levels.") % {"max": MAX_DEPTH}]})
    try:
        return json.loads(text, parse_int=_bounded_int, parse_constant=_no_constant)
    except ValueError as error:
        raise ValidationError({"$": [_("This is not a JSON file: %(reason)s") % {"reason": error}]}) from None


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise ValueError(_("a number has more than %(max)d digits") % {"max": MAX_NUMBER_DIGITS})
    return int(digits)


def _no_constant(name: str):
    raise ValueError(_("%(name)s is not a JSON number") % {"name": name})


def _schema_errors(data, version: str) -> list:
    schema = madmp_schema(version)
    checker = jsonschema.FormatChecker()
    checker.checkers.pop("date-time", None)  # checked below: the standard's own examples omit the time zone
    cls = jsonschema.validators.validator_for(schema)
    return list(cls(schema, format_checker=checker).iter_errors(data))


def madmp_validate(data) -> dict[str, list[str]]:
    """Schema errors keyed by JSON path (e.g. `dmp.dataset[0].personal_data`), in the user's language. A
    file valid under version 1.1 of the standard is accepted as well; its errors are those of 1.2."""
    found = _schema_errors(data, "1.2")
    if found and not _schema_errors(data, "1.1"):
        found = []
    errors: dict[str, list[str]] = {}
    for error in found:
        path = _json_path(error.absolute_path)
        if error.validator == "required":
            missing = re.match(r"'(.+?)' is a required property", error.message)
            path = f"{path}.{missing.group(1)}" if missing else path
            message = _("This property is required.")
        elif error.validator == "enum":
            message = _("Must be one of: %(values)s.") % {"values": ", ".join(map(str, error.validator_value))}
        elif error.validator == "type":
            message = _("Must be of JSON type %(type)s.") % {"type": error.validator_value}
        elif error.validator == "format":
            message = _("Is not a valid %(format)s: %(value)s") % {"format": error.validator_value,
                                                                   "value": error.instance}
        else:
            message = error.message
        errors.setdefault(path, []).append(message)
    body = data.get("dmp") if isinstance(data, dict) else None
    for key in ("created", "modified"):  # jsonschema checks date-time only with an optional package
        value = body.get(key) if isinstance(body, dict) else None
        if isinstance(value, str) and _parse_stamp(value) is None:
            errors.setdefault(f"dmp.{key}", []).append(
                _("Is not a valid %(format)s: %(value)s") % {"format": "date-time", "value": value})
    return dict(sorted(errors.items()))


def _json_path(parts) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.removeprefix("$.") if path != "$" else path


# Export -----------------------------------------------------------------------------------------------------

def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime(TIMESTAMP)


def _lang_pick(obj, base: str, language: str) -> str:
    first, second = ("ja", "en") if language == "jpn" else ("en", "ja")
    return getattr(obj, f"{base}_{first}") or getattr(obj, f"{base}_{second}")


def _person_name(user: User, language: str) -> str:
    ja = f"{user.family_name_ja} {user.given_name_ja}".strip()
    en = f"{user.given_name_en} {user.family_name_en}".strip()
    return (ja or en if language == "jpn" else en or ja) or user.email


def _person_id(user: User) -> dict:
    return {"identifier": user.orcid, "type": "orcid"} if user.orcid else {"identifier": user.email, "type": "other"}


def _byte_size(size: str) -> int | None:
    match = PLAIN_SIZE.match(size or "")
    return int(Decimal(match.group(1)) * UNITS[match.group(2)]) if match else None


def _madmp_questions(dmp: DMP) -> dict[str, TemplateQuestion]:
    questions = TemplateQuestion.objects.filter(section__template=dmp.template_id).exclude(madmp="")
    return {q.madmp: q for q in questions.order_by("section__position", "position")}


def madmp_export(*, dmp: DMP, viewer) -> dict:
    """The DMP as RDA DMP Common Standard 1.2 JSON, as `viewer` (who may read the DMP) gets it: the
    project's records through `visible_to`, their links by `record_links`."""
    project = dmp.project
    language = "jpn" if project.name_ja else "eng"
    name = _lang_pick(project, "name", language)
    funder = project.program.funder
    answers = {prop: dmp.answers.get(q.key) for prop, q in _madmp_questions(dmp).items()}
    body = {
        "title": dmp.title or name,
        "language": language,
        "created": _stamp(dmp.created_at),
        "modified": _stamp(dmp.updated_at),
        "dmp_id": ({"identifier": dmp.external_id, "type": dmp.external_id_type} if dmp.external_id else
                   {"identifier": f"{settings.PORTAL_BASE_URL}{dmp.get_absolute_url()}", "type": "url"}),
        "contact": {"name": _person_name(project.pi, language), "mbox": project.pi.email,
                    "contact_id": _person_id(project.pi)},
        "contributor": [
            {"name": _person_name(project.pi, language), "mbox": project.pi.email,
             "contributor_id": _person_id(project.pi), "role": ["ProjectLeader"]},
            *({"name": _person_name(m.user, language), "mbox": m.user.email, "contributor_id": _person_id(m.user),
               "role": [MEMBER_ROLES[m.role]]} for m in project.members.select_related("user").order_by("pk")),
        ],
        "ethical_issues_exist": answers.get("ethical_issues_exist") or "unknown",
        "project": [{
            "title": name,
            **({"start": project.start_date.isoformat()} if project.start_date else {}),
            **({"end": project.end_date.isoformat()} if project.end_date else {}),
            "funding": [{
                "funder_id": ({"identifier": funder.crossref_funder_id, "type": "fundref"}
                              if funder.crossref_funder_id else {"identifier": funder.code, "type": "other"}),
                "grant_id": {"identifier": project.grant_number, "type": "other"},
                "funding_status": "granted",
            }],
        }],
        "dataset": [],
    }
    kept = dmp.madmp_extension or {}
    for record in (ManagedData.objects.visible_to(viewer).with_data_access(viewer).latest_versions()
                   .filter(project=project)
                   .prefetch_related("people", "files").order_by("data_no", "pk")):
        body["dataset"].append(_merge(_dataset(record, dmp, language), kept.get("dataset", {}).get(record.data_no)))
    if answers.get("description"):
        body["description"] = answers["description"]
    if answers.get("ethical_issues_description"):
        body["ethical_issues_description"] = answers["ethical_issues_description"]
    return {"dmp": _merge(body, kept.get("dmp"))}


def _dataset(record, dmp: DMP, language: str) -> dict:
    grant = dmp.project.grant_number
    data = {
        "title": _lang_pick(record, "title", language) or f"{grant}:{record.data_no or record.pk}",
        "dataset_id": {"identifier": f"{grant}:{record.data_no or record.pk}", "type": "other"},
        "type": record.data_type,
        "personal_data": record.personal_data,
        "sensitive_data": record.sensitive_data,
    }
    description = _lang_pick(record, "description", language)
    if description:
        data["description"] = description
    if record.issued_date:
        data["issued"] = record.issued_date.isoformat()
    creators = [
        {"name": _lang_pick(p, "name", language),
         "creator_id": ({"identifier": p.orcid, "type": "orcid"} if p.orcid else
                        {"identifier": p.erad_researcher_number, "type": "erad"})}
        for p in record.people.all()
        if p.kind == RecordPerson.Kind.CREATOR and (p.orcid or p.erad_researcher_number) and (p.name_ja or p.name_en)
    ]
    if creators:
        data["creator"] = creators
    if record.access_right:
        distribution = {"title": data["title"], "data_access": DATA_ACCESS[record.access_right]}
        if location := record_links(record).location:
            distribution["access_url"] = location
            repository = _lang_pick(record, "repository_info", language)
            if repository:
                distribution["host"] = {"title": repository, "url": location}
        size = _byte_size(record.file_size)
        if size is not None:
            distribution["byte_size"] = size
        start = record.embargo_until or record.issued_date or dmp.created_at.date()
        if record.access_right == AccessRight.EMBARGOED and record.embargo_until:
            distribution["issued"] = record.embargo_until.isoformat()
        if record.license in LICENSE_URL:
            distribution["license"] = [{"license_ref": LICENSE_URL[record.license], "start_date": start.isoformat()}]
        if record.formats:
            distribution["format"] = list(record.formats)
        if record.available_until:
            distribution["available_until"] = record.available_until.isoformat()
        data["distribution"] = [distribution]
    for file in record_files(record):  # download_url only for viewers who get the data
        data.setdefault("distribution", []).append({
            "title": file.name, "byte_size": file.size, "format": [file.media_type],
            "data_access": DATA_ACCESS[record.access_right] if record.access_right else "closed",
            **({"download_url": file.download_url} if file.download_url else {})})
    return data


# What the portal writes wins over the kept file, except the file's own identifiers of the dataset and a
# value the portal does not know ("unknown"). Lists of things the portal describes only in part are merged
# item by item; contributors the portal does not know (no account) follow those it does.
FILE_WINS = {"dataset_id"}
BY_ITEM = {"project", "funding", "distribution"}


def _merge(portal, kept, key: str = ""):
    """`portal` (what the portal's fields say) over `kept` (what an imported file said)."""
    if isinstance(portal, dict) and isinstance(kept, dict):
        merged = dict(kept)
        for name, value in portal.items():
            if name not in kept:
                merged[name] = value
            elif name not in FILE_WINS and value != "unknown":
                merged[name] = _merge(value, kept[name], name)
        return merged
    if isinstance(portal, list) and isinstance(kept, list):
        if key == "contributor":
            known = {str(c.get("mbox", "")).lower() for c in portal}
            return portal + [c for c in kept if not isinstance(c, dict) or str(c.get("mbox", "")).lower() not in known]
        if key in BY_ITEM:
            return [_merge(p, k) for p, k in zip(portal, kept, strict=False)] + portal[len(kept):] + kept[len(portal):]
    return portal


# Import -----------------------------------------------------------------------------------------------------

FIELD_PATHS = {"title_ja": "title", "title_en": "title", "description_ja": "description",
               "description_en": "description", "issued_date": "issued", "repository_url": "distribution[0].access_url",
               "embargo_until": "distribution[0].issued", "file_size": "distribution[0].byte_size",
               "license": "distribution[0].license"}


def _parse_stamp(value: str) -> datetime.datetime | None:
    """An ISO 8601 date and time, or None; without a time zone (as in the standard's 1.1 examples,
    "2018-07-23T10:10:23.6") it is taken as UTC."""
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None
    if "T" not in value.upper():
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.UTC)


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def madmp_import(*, data, actor: User, program, grant_number: str = "", research_field: str = "",
                 institution=None) -> DMP:
    """Create a draft DMP, its project and managed-data drafts from maDMP JSON. Every error is raised at
    once as a ValidationError keyed by JSON path; nothing is created then."""
    errors = madmp_validate(data)
    if errors:
        raise ValidationError(errors)
    body = data["dmp"]
    projects = body.get("project") or []
    fundings = (projects[0].get("funding") or []) if projects else []
    candidate = ((fundings[0].get("grant_id") or {}).get("identifier", "") if fundings else "").strip()
    grant = (grant_number or "").strip() or candidate  # kept as issued (AMED writes lower-case letters)
    project = Project.objects.filter(grant_number__iexact=grant).first()  # the case as typed may differ
    grant = project.grant_number if project else grant
    try:
        grant_number_validator(grant)
    except ValidationError:
        path = "dmp.project[0].funding[0].grant_id.identifier" if fundings else "dmp.project"
        raise ValidationError({path: [_("No Japan Grant Number (体系的番号) in the file (found “%(value)s”): give one "
                                        "with the upload.") % {"value": candidate}]}) from None
    language = body["language"]
    lang = "ja" if language == "jpn" else "en"
    title = (projects[0].get("title") if projects else "") or body["title"]
    institution = institution or _researcher_institution(actor)
    grant_path = "dmp.project[0].funding[0].grant_id.identifier" if fundings else "dmp.project"
    if project is not None and DMP.objects.filter(project=project).exists():
        raise ValidationError({grant_path: [_("The project %(grant)s already has a DMP; open it instead of "
                                              "importing another.") % {"grant": project.grant_number}]})
    with transaction.atomic():
        if project is None:
            try:
                project = project_create(actor=actor, members=_members(body.get("contributor") or [], actor), data={
                    "institution": institution, "program": program, "grant_number": grant,
                    f"name_{lang}": title[:300], "research_field": research_field or ResearchField.OTHERS,
                    "start_date": _date(projects[0].get("start")) if projects else None,
                    "end_date": _date(projects[0].get("end")) if projects else None,
                })
            except ValidationError as error:
                raise ValidationError({f"dmp.project[0] ({field})": messages
                                       for field, messages in error.message_dict.items()}) from None
        template = template_for_program(program=program)
        dmp = dmp_create(
            actor=actor, project=project, template=template, answers=_answers(template, body),
            title="" if body["title"] == title else body["title"][:300],
            external_id=body["dmp_id"]["identifier"][:300], external_id_type=body["dmp_id"]["type"][:20],
            created_at=_parse_stamp(body["created"]), updated_at=_parse_stamp(body["modified"]),
            madmp_extension=_kept(body, grant),
        )
        errors = {}
        for index, dataset in enumerate(body["dataset"]):
            try:
                record_data, people = _record(dataset, index, grant, lang)
                managed_data_create(project=project, actor=actor, data=record_data, people=people)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    errors[f"dmp.dataset[{index}].{FIELD_PATHS.get(field, field)}"] = messages
        if errors:
            raise ValidationError(errors)
    return dmp


def _kept(body: dict, grant: str) -> dict:
    """The file as it came (in 1.2's shape), for export to give back what the portal has no place for:
    the DMP without its datasets, and each dataset by the data No. it becomes."""
    body = copy.deepcopy(body)
    for project in body.get("project") or []:  # 1.1: "project_id": "…", "project_id_type": "…"
        if isinstance(project.get("project_id"), str):
            project["project_id"] = [{"identifier": project.pop("project_id"),
                                      "type": project.pop("project_id_type", "other")}]
    datasets = body.pop("dataset")
    return {"dmp": body, "dataset": {_data_no(d, i, grant): d for i, d in enumerate(datasets)}}


def _data_no(dataset: dict, index: int, grant: str) -> str:
    identifier = dataset["dataset_id"]["identifier"]
    return (identifier.split(":", 1)[1] if identifier.startswith(f"{grant}:") else str(index + 1))[:20]


def _researcher_institution(actor: User):
    institution = Institution.objects.filter(pk__in=project_institution_ids(actor)).order_by("pk").first()
    if institution is None:
        raise ValidationError({"institution": [_("You need a researcher role at an institution to import a DMP.")]})
    return institution


def _members(contributors: list[dict], actor: User) -> list[dict]:
    """Contributors who have portal accounts (by e-mail) become project members; the PI is the importer."""
    emails = {c.get("mbox", "").lower(): c for c in contributors if c.get("mbox")}
    members = []
    for user in User.objects.filter(email__in=list(emails)).exclude(pk=actor.pk):
        roles = [IMPORT_ROLES[r] for r in emails[user.email]["role"] if r in IMPORT_ROLES]
        members.append({"user": user, "role": roles[0] if roles else ProjectMember.Role.CONTRIBUTOR})
    order = list(emails)
    return sorted(members, key=lambda m: order.index(m["user"].email))


def _answers(template, body: dict) -> dict:
    answers = {}
    for question in TemplateQuestion.objects.filter(section__template=template).exclude(madmp=""):
        value = body.get(question.madmp)
        if question.type == QuestionType.YES_NO:
            value = value if value in ("yes", "no") else ""
        if value:
            answers[question.key] = clean_answer(question, value)
    return answers


def _record(dataset: dict, index: int, grant: str, lang: str) -> tuple[dict, list[dict]]:
    identifier = dataset["dataset_id"]["identifier"]
    data = {"data_no": _data_no(dataset, index, grant), f"title_{lang}": dataset["title"][:500],
            "personal_data": dataset.get("personal_data", "unknown"),
            "sensitive_data": dataset.get("sensitive_data", "unknown"),
            f"description_{lang}": dataset.get("description", ""),
            "issued_date": _date(dataset.get("issued")),
            "data_type": dataset.get("type") if dataset.get("type") in DataType.values else DataType.DATASET}
    if dataset["dataset_id"]["type"] == "doi" and not dataset.get("distribution"):
        data["repository_url"] = identifier
    distributions = dataset.get("distribution") or []
    if distributions:
        dist = distributions[0]
        licenses = dist.get("license") or []
        by_url = {url.rstrip("/").removesuffix("/deed.en").removeprefix("http:").removeprefix("https:"): code
                  for code, url in LICENSE_URL.items()}
        if licenses:
            ref = licenses[0]["license_ref"].rstrip("/").removesuffix("/deed.en")
            data["license"] = by_url.get(ref.removeprefix("http:").removeprefix("https:"), "OTHER")
        access = IMPORT_ACCESS[dist["data_access"]]
        release = _date(dist.get("issued")) or (_date(licenses[0].get("start_date")) if licenses else None)
        if access == AccessRight.OPEN and release and release > timezone.localdate():
            access, data["embargo_until"] = AccessRight.EMBARGOED, release
        data["access_right"] = access
        url = dist.get("access_url") or dist.get("download_url") or (dist.get("host") or {}).get("url")
        if url:
            data["repository_url"] = url
        if (dist.get("host") or {}).get("title"):
            data[f"repository_info_{lang}"] = dist["host"]["title"][:300]
        if isinstance(dist.get("byte_size"), int) and SIZE_RE.match(f"{dist['byte_size']}B"):
            data["file_size"] = f"{dist['byte_size']}B"
        data["formats"] = [f for f in dist.get("format") or [] if isinstance(f, str)]
        data["available_until"] = _date(dist.get("available_until"))
    people = []
    for creator in dataset.get("creator") or []:
        person = {"kind": RecordPerson.Kind.CREATOR, f"name_{lang}": creator["name"][:200]}
        kind, value = creator["creator_id"]["type"], creator["creator_id"]["identifier"]
        if kind == "orcid" and _valid(RecordPerson, "orcid", value):
            person["orcid"] = value
        if kind == "erad" and _valid(RecordPerson, "erad_researcher_number", value):
            person["erad_researcher_number"] = value
        people.append(person)
    return data, people


def _valid(model, field: str, value: str) -> bool:
    try:
        model._meta.get_field(field).run_validators(value)
    except ValidationError:
        return False
    return True

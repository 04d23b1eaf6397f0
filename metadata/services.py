"""Every write on managed data: create, update, people, curation transitions, embargo lifting."""

from dataclasses import dataclass
from functools import lru_cache

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from portal.bulk import insert
from portal.identity.selectors import verified_orcid
from portal.models import Role, RoleAssignment, User
from portal.services import notification_body, notification_send
from portal.transitions import Change, InvalidTransition, Workflow, transition
from portal.validators import normalize_ror

from .files.models import DataFile
from .models import CurationEvent, ManagedData, RecordPerson
from .oai.rendering import harvest_refresh, harvest_refresh_once
from .permissions import (
    ACTION_PERMISSIONS,
    can_create_managed_data,
    can_curate_managed_data,
    can_edit_managed_data,
    can_make_new_version,
    editable_record_ids,
    has_duty_conflict,
)
from .validators import normalize_repository_url
from .vocabularies import Status

ACTION_LABELS = {
    "submit": gettext_lazy("submit for curation"),
    "return": gettext_lazy("return to the researcher"),
    "publish": gettext_lazy("publish"),
    "withdraw": gettext_lazy("withdraw"),
}
# What a notification of each action says: subject, what happened, what the recipient should do next.
NOTICES = {
    "submit": (gettext_lazy("Curation requested: “%(title)s” from %(actor)s"),
               gettext_lazy("%(actor)s submitted the managed data “%(title)s” of the project %(project)s for "
                            "curation."),
               gettext_lazy("Check the record, then publish it or return it to the researcher.")),
    "return": (gettext_lazy("Managed data “%(title)s” returned to you"),
               gettext_lazy("%(actor)s returned the managed data “%(title)s” of the project %(project)s to you."),
               gettext_lazy("Correct the record as the comment asks and submit it again.")),
    "publish": (gettext_lazy("Managed data “%(title)s” published"),
                gettext_lazy("%(actor)s published the managed data “%(title)s” of the project %(project)s."),
                gettext_lazy("Nothing is needed: the record is now public.")),
    "withdraw": (gettext_lazy("Managed data “%(title)s” withdrawn"),
                 gettext_lazy("%(actor)s withdrew the published managed data “%(title)s” of the project "
                              "%(project)s."),
                 gettext_lazy("Read the reason in the comment; the record stays listed as withdrawn.")),
}
DUTY_REFUSALS = {
    "return": gettext_lazy("You cannot return a record of which you are one of the people."),
    "publish": gettext_lazy("You cannot publish a record of which you are one of the people."),
    "withdraw": gettext_lazy("You cannot withdraw a record of which you are one of the people."),
}
WRITE_REFUSAL = gettext_lazy("Only the project's PI and the members who may edit can create and change its "
                             "managed data.")

# Elements a record gets from its DMP (RDA DMP Common Standard); the record form does not show them.
DMP_ELEMENTS = ["personal_data", "sensitive_data", "formats", "available_until"]
EDITABLE_FIELDS = [
    "data_no", "title_ja", "title_en", "issued_date", "description_ja", "description_en", "research_field",
    "data_type", "file_size", "provision_policy", "license", "citation_ja", "citation_en", "access_right",
    "embargo_until", "repository_info_ja", "repository_info_en", "repository_url", "hosting_institution_ja",
    "hosting_institution_en", "hosting_institution_ror", "data_manager_type", "contact_org_ja", "contact_org_en",
    "contact_address_ja", "contact_address_en", "contact_phone", "contact_email", "remarks_ja", "remarks_en",
    "metadata_access", *DMP_ELEMENTS,
]
SET_BY_SERVICES = ["project", "institution", "created_by", "program", "funder"]
PERSON_FIELDS = ["kind", "name_ja", "name_en", "erad_researcher_number", "orcid", "affiliation_ja",
                 "affiliation_en", "user"]


def managed_data_edit_refusal(record: ManagedData) -> str:
    """Why a user for whom `can_edit_managed_data` is false may not change `record`."""
    if record.status in ManagedData.EDITABLE:
        return str(WRITE_REFUSAL)
    return _("Only drafts and returned records can be edited; this one is %(state)s.") % {
        "state": record.get_status_display()}


def _normalise(data: dict) -> dict:
    """Strip text; store a DOI as its https://doi.org/ URL and a ROR id as its URL."""
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items()}
    for field, normalize in (("repository_url", normalize_repository_url), ("hosting_institution_ror", normalize_ror)):
        if data.get(field):
            try:
                data[field] = normalize(data[field])
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None
    return data


@lru_cache(maxsize=20_000)
def _cleaned(model, name: str, value: str, language: str) -> tuple[str, list | None]:
    """`field.clean` of one text value and its errors, remembered: a sheet repeats most values from row to
    row, and no field's check depends on anything but the value (nor on the record)."""
    try:
        return model._meta.get_field(name).clean(value, None), None
    except ValidationError as error:
        return value, error.error_list


def _full_clean(instance, exclude) -> None:
    """`instance.full_clean(exclude, validate_unique=False, validate_constraints=False)` with each text
    value checked once (`_cleaned`): the same checks and messages, field by field, then `clean()`."""
    errors, exclude, language, model = {}, set(exclude), translation.get_language(), type(instance)
    for f in instance._meta.fields:
        if f.name in exclude or f.generated:
            continue
        value = getattr(instance, f.attname)
        if f.blank and value in f.empty_values:
            continue
        if type(value) is str:
            value, error_list = _cleaned(model, f.name, value, language)
        else:
            try:
                value, error_list = f.clean(value, instance), None
            except ValidationError as error:
                error_list = error.error_list
        if error_list:
            errors[f.name] = list(error_list)
        else:
            setattr(instance, f.attname, value)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _unchecked_people(people: list[dict]) -> list[RecordPerson]:
    rows = []
    for position, person in enumerate(people):
        row = RecordPerson(position=position, **{k: person.get(k) or "" for k in PERSON_FIELDS if k != "user"})
        row.user = person.get("user")
        if row.user is not None:  # a person linked to a portal user carries the user's verified ORCID iD
            row.orcid = verified_orcid(row.user) or row.orcid
        rows.append(row)
    return rows


def _person_rows(people: list[dict]) -> list[RecordPerson]:
    """Unsaved, checked people rows; every problem of every person at once, keyed `people[i].field`."""
    rows, errors = _unchecked_people(people), {}
    for position, row in enumerate(rows):
        # the user is given as an object, not typed; empty values are valid (and most are empty)
        empty = [f for f in PERSON_FIELDS if f not in ("kind", "user") and not getattr(row, f)]
        try:
            _full_clean(row, exclude=["record", "user", *empty])  # nothing unique besides the record
        except ValidationError as error:
            errors |= {f"people[{position}].{key}": messages for key, messages in error.message_dict.items()}
    if errors:
        raise ValidationError(errors)
    return rows


def _set_people(changes: list[tuple[ManagedData, list[RecordPerson]]]) -> None:
    """Replace the people of each record by its new rows, in bulk; harvesters' view rendered once each."""
    with harvest_refresh_once():  # the delete's signals ask once per person
        RecordPerson.objects.filter(record__in=[record.pk for record, _rows in changes]).delete()
        for record, rows in changes:
            for row in rows:
                row.record = record
        RecordPerson.objects.bulk_create([row for _record, rows in changes for row in rows], batch_size=2000)
        harvest_refresh([record.pk for record, _rows in changes])  # bulk_create sends no signal


def _check(record: ManagedData, people: list[dict] | None, *, complete: bool, given=None,
           check_unique: bool = True) -> list[RecordPerson] | None:
    """Check `record` (and `people`, when given) completely; raise every problem at once. Only the fields
    `given` are checked by field (by default all; the others hold values checked before, or defaults)."""
    errors = {}
    # the related objects are given as objects by the services, not typed: no look-up per record
    exclude = SET_BY_SERVICES + ([f for f in EDITABLE_FIELDS if f not in given] if given is not None else [])
    try:
        _full_clean(record, exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if check_unique:  # the data No. within the project (the project itself is not excluded here)
        try:
            record.validate_constraints()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    rows = None
    if people is not None:
        try:
            rows = _person_rows(people)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
    if complete:  # what is missing, besides what is wrong
        named = rows if rows is not None or people is None else _unchecked_people(people)
        for key, messages in record.completeness_errors(people=named).items():
            errors.setdefault(key, messages)
    if errors:
        raise ValidationError(errors)
    return rows


def managed_data_build(
    *, project, actor, data: dict, people: list[dict] | None = None, complete: bool = False, check_unique: bool = True,
    valid: tuple[str, ...] = (),
) -> tuple[ManagedData, list[RecordPerson]]:
    """A new draft of `project` and its people, checked but not saved: every format error (and with
    `complete`, every missing element) at once as one ValidationError keyed by field. The caller checks
    the actor's right; `check_unique=False` leaves the data No. to a caller that checked it already, and
    `valid` names fields whose values the caller made from a vocabulary or a date parser."""
    record = ManagedData(project=project, institution_id=project.institution_id, created_by=actor,
                         **{k: v for k, v in _normalise(data).items() if k in EDITABLE_FIELDS})
    given = [f for f in data if f not in valid]
    return record, _check(record, people or [], complete=complete, given=given, check_unique=check_unique)


def _same_person(person: dict, current: RecordPerson) -> bool:
    """An identifier in common (e-Rad researcher number or ORCID iD) makes `person` the `current` one."""
    return any(person.get(key) and person[key] == getattr(current, key) for key in ("erad_researcher_number", "orcid"))


def _same_name(person: dict, current: RecordPerson) -> bool:
    return any(person.get(key) and person[key] == getattr(current, key) for key in ("name_ja", "name_en"))


def _keep_user_links(record: ManagedData, people: list[dict]) -> list[dict]:
    """`people` with each person's portal user kept unless the row gives `user` itself: an incoming person
    is matched to one current person of the same kind by e-Rad researcher number or ORCID iD, then by name,
    then by position among the people of that kind (each current person matches once, so a person removed
    takes their link along), and gets that person's user."""
    people = [dict(person) for person in people]
    open_rows = [i for i, person in enumerate(people) if "user" not in person]
    if not open_rows or record.pk is None:
        return people
    current = sorted(record.people.all(), key=lambda p: (p.kind, p.position, p.pk))  # prefetched, if they were
    unmatched = list(current)
    position = {i: sum(1 for p in people[:i] if p.get("kind") == people[i].get("kind")) for i in open_rows}

    def at_position(i: int, c: RecordPerson) -> bool:
        return [other for other in current if other.kind == c.kind].index(c) == position[i]

    for matches in (lambda i, c: _same_person(people[i], c), lambda i, c: _same_name(people[i], c), at_position):
        for i in list(open_rows):
            found = next((c for c in unmatched if c.kind == people[i].get("kind") and matches(i, c)), None)
            if found is not None:
                people[i]["user"] = found.user
                unmatched.remove(found)
                open_rows.remove(i)
    return people


def managed_data_revise(*, record: ManagedData, data: dict, people: list[dict] | None = None,
                        complete: bool = False, check_unique: bool = True) -> list[RecordPerson] | None:
    """Apply `data` to `record` (not saved) and check it as `managed_data_build` does; the new people rows
    when `people` is given, each keeping its link to a portal user (`_keep_user_links`). `check_unique=False`
    leaves the data No. to a caller that matched the record by it."""
    for key, value in _normalise(data).items():
        if key in EDITABLE_FIELDS:
            setattr(record, key, value)
    if people is not None:
        people = _keep_user_links(record, people)
    return _check(record, people, complete=complete, check_unique=check_unique)


def record_people_take_verified_orcid(*, user, orcid: str) -> int:
    """A person who proved their ORCID iD gets it on every record they are linked to (and harvesters
    a new datestamp for the records that changed)."""
    people = RecordPerson.objects.filter(user=user).exclude(orcid=orcid)
    record_ids = list(people.values_list("record_id", flat=True))
    changed = people.update(orcid=orcid)
    harvest_refresh(record_ids)  # a bulk update sends no signal: re-render what harvesters get
    return changed


@transaction.atomic
def managed_data_create(*, project, actor, data: dict, people: list[dict] | None = None) -> ManagedData:
    """Create a draft record in `project`. Format errors raise ValidationError; missing elements don't."""
    if not can_create_managed_data(actor, project):
        raise PermissionDenied(str(WRITE_REFUSAL))
    return managed_data_create_many(actor=actor, drafts=[managed_data_build(
        project=project, actor=actor, data=data, people=people)])[0]


@transaction.atomic
def managed_data_create_many(*, actor, drafts: list[tuple[ManagedData, list[RecordPerson]]]) -> list[ManagedData]:
    """Save drafts made by `managed_data_build` at once, with their people and their history rows
    (simple_history's `bulk_history_create`): the one way records are created."""
    for project in {record.project for record, _people in drafts}:
        if not can_create_managed_data(actor, project):
            raise PermissionDenied(str(WRITE_REFUSAL))
    records = []
    for record, _people in drafts:
        record.search_text = record.build_search_text()
        records.append(record)
    insert(records)
    ManagedData.history.bulk_history_create(records, batch_size=1000, default_user=actor)
    people = []
    for record, rows in drafts:
        for row in rows:
            row.record = record
            people.append(row)
    insert(people)
    return records


@transaction.atomic
def managed_data_update(*, record_id: int, actor, data: dict, people: list[dict] | None = None) -> ManagedData:
    record = ManagedData.objects.select_for_update(of=("self",)).select_related("project__program").get(pk=record_id)
    if not can_edit_managed_data(actor, record):
        raise PermissionDenied(managed_data_edit_refusal(record))
    rows = managed_data_revise(record=record, data=data, people=people)
    record.updated_at = timezone.now()
    record.search_text = record.build_search_text()
    record._history_user = actor
    with harvest_refresh_once():
        record.save()
        if rows is not None:
            _set_people([(record, rows)])
    return record


def _state(record: ManagedData) -> tuple:
    """What a revision was based on: the record's state, elements and people."""
    people = sorted((p.kind, p.position, p.pk, *(getattr(p, f) for f in PERSON_FIELDS if f != "user"), p.user_id)
                    for p in record.people.all())
    return record.status, [getattr(record, f) for f in EDITABLE_FIELDS], people


@transaction.atomic
def managed_data_update_many(*, actor, revisions: list[tuple[ManagedData, ManagedData, list[RecordPerson] | None]]
                             ) -> list[ManagedData]:
    """The bulk form of `managed_data_update`, for the sheet import: each revision is (the record as read,
    with its people prefetched; its copy changed and checked by `managed_data_revise`; the new people rows
    or None). Under row locks every record must still be as read and `actor` may still change it; then one
    bulk update per set of changed columns with history rows (simple_history's `bulk_update_with_history`),
    the people replaced in bulk, and what harvesters get rendered once per record."""
    read = {record.pk: record for record, _revised, _rows in revisions}
    current = (ManagedData.objects.select_for_update(of=("self",)).filter(pk__in=list(read))
               .select_related("project").prefetch_related("people"))
    current = {record.pk: record for record in current}
    allowed = editable_record_ids(actor, current.values())
    for pk, record in read.items():
        now_record = current.get(pk)
        if now_record is None or pk not in allowed:
            raise PermissionDenied(managed_data_edit_refusal(now_record or record))
        if _state(now_record) != _state(record):
            raise ValidationError(_("“%(record)s” was changed by someone else meanwhile.") % {"record": record})
    now = timezone.now()
    groups: dict[tuple, list[ManagedData]] = {}
    for record, revised, _rows in revisions:
        revised.updated_at = now
        revised.search_text = revised.build_search_text()
        changed = tuple(f.attname for f in ManagedData._meta.concrete_fields
                        if getattr(revised, f.attname) != getattr(record, f.attname))
        groups.setdefault(changed, []).append(revised)
    with harvest_refresh_once():
        for fields, records in groups.items():
            bulk_update_with_history(records, ManagedData, list(fields), batch_size=1000, default_user=actor)
        _set_people([(revised, rows) for _record, revised, rows in revisions if rows is not None])
        harvest_refresh(read)
    return [revised for _record, revised, _rows in revisions]


@transaction.atomic(durable=True)
def managed_data_new_version(*, record_id: int, actor) -> ManagedData:
    """Start the next version of a published record: a draft with the same metadata, people, sharing and files,
    linked to the first version, which its people then edit (and give new files) and submit as usual. If a
    next version is already under way, that one is returned."""
    record = ManagedData.objects.select_for_update(of=("self",)).select_related("project").get(pk=record_id)
    if not can_make_new_version(actor, record):
        raise PermissionDenied(_("Only the project's PI, the members who may edit and the curators can start a new "
                                 "version of a published record."))
    first = record.first_version_id
    ManagedData.objects.select_for_update().filter(pk=first).first()  # one new version at a time per family
    versions = list(record.versions())
    under_way = [v for v in versions if v.status not in (Status.PUBLISHED, Status.WITHDRAWN)]
    if under_way:
        return under_way[0]
    new = ManagedData(project=record.project, institution_id=record.institution_id, created_by=actor,
                      version_of_id=first, version=versions[-1].version + 1,
                      **{name: getattr(record, name) for name in EDITABLE_FIELDS})
    new.search_text = new.build_search_text()
    new._history_user = actor
    new.save()
    new.shared_with.set(record.shared_with.all())
    _set_people([(new, _unchecked_people([{k: getattr(p, k) for k in PERSON_FIELDS}
                                          for p in record.people.order_by("position", "pk")]))])
    _carry_over_files(source=record, target=new)
    return new


def _carry_over_files(*, source: ManagedData, target: ManagedData) -> None:
    """Give a new version the files of the version it comes from: new rows referring to the same stored
    bytes, so nothing is uploaded or copied again. The earlier version's files stay frozen with it; the new
    version's may be deleted or added to while it is a draft (`metadata.files.services.data_file_delete`
    deletes bytes only when no version refers to them any more)."""
    DataFile.objects.bulk_create([
        DataFile(record=target, name=f.name, size=f.size, sha256=f.sha256, md5=f.md5, media_type=f.media_type,
                 file=f.file.name, uploaded_by_id=f.uploaded_by_id, uploaded_at=f.uploaded_at)
        for f in source.files.order_by("pk")])


def _versions_released(*, first_id: int) -> None:
    """After a version of a family is published or withdrawn: render the family again for harvesters (each
    version links the ones before and after it). Which version stands for the family in counts
    (`ManagedData.latest_version`) the database keeps (`metadata.db_triggers`)."""
    versions = list(ManagedData.objects.filter(Q(pk=first_id) | Q(version_of=first_id)).values_list("pk", flat=True))
    if len(versions) > 1:
        harvest_refresh(versions)


def _refusal(actor, record: ManagedData, action: str) -> str | None:
    if ACTION_PERMISSIONS[action](actor, record):
        return None
    if has_duty_conflict(actor, record, action) and can_curate_managed_data(actor, record):
        return str(DUTY_REFUSALS[action])
    if action == "submit":
        return str(WRITE_REFUSAL)
    return _("You may not %(action)s this record.") % {"action": ACTION_LABELS[action]}


def _record(record: ManagedData, change: Change) -> None:
    CurationEvent.objects.create(record=record, actor=change.actor, action=change.action,
                                 from_status=change.from_state, to_status=change.to_state, message=change.message,
                                 at=change.at, duty_override=change.duty_override)


def _notify(record: ManagedData, change: Change) -> None:
    """Tell the record's creator (and, on submit, the librarians who are not among its people) in their own
    language who did what, the comment and what to do next; a returned record's link opens its edit form."""
    actor, action, message = change.actor, change.action, change.message
    if action == "submit":
        recipients = [user for user in User.objects.filter(pk__in=RoleAssignment.objects.holder_ids(
                          Role.LIBRARIAN, institution=record.institution_id))
                      if not has_duty_conflict(user, record, "publish")]
    else:
        recipients = [record.created_by]
    subject, what, next_step = NOTICES[action]
    link = reverse("metadata:managed-data-edit", args=[record.pk]) if action == "return" else record.get_absolute_url()
    for user in dict.fromkeys(recipients):
        if user is None or user == actor:
            continue
        with translation.override(user.preferred_language):
            names = {"actor": actor, "title": record.title, "project": record.project}
            body = notification_body(what=what % names, next_step=str(next_step), comment=message, commenter=actor)
            notification_send(user=user, subject=subject % names, body=body, link=link)


CURATION = Workflow(
    model=ManagedData, related=("project",), labels=ACTION_LABELS, refusal=_refusal, duty_conflict=has_duty_conflict,
    invalid=gettext_lazy("This record is %(state)s, so you cannot %(action)s it now."),
    needs_message=dict.fromkeys(("return", "withdraw"),
                                gettext_lazy("Say why, so that the researcher knows what to do.")),
    record=_record, notify=_notify,
)


def _apply_curation(record: ManagedData, change: Change) -> list[str]:
    """Completeness on submit and publish; the datestamp, publication date and withdrawal reason."""
    if change.action in ("submit", "publish"):
        errors = record.completeness_errors()
        if errors:
            raise ValidationError(errors)
    fields = []
    if change.to_state in (Status.PUBLISHED, Status.WITHDRAWN):
        record.datestamp = change.at
        fields.append("datestamp")
    if change.to_state == Status.PUBLISHED:
        record.published_at = change.at
        fields.append("published_at")
    if change.to_state == Status.WITHDRAWN:
        record.withdrawn_reason = change.message
        fields.append("withdrawn_reason")
    return fields


@transaction.atomic(durable=True)
def managed_data_transition(*, record_id: int, action: str, actor, message: str = "") -> ManagedData:
    """Apply one curation action (see `portal.transitions.transition`): completeness for submit and
    publish, the curation event, the notification."""
    record = transition(CURATION, pk=record_id, action=action, actor=actor, message=message, apply=_apply_curation)
    if record.status in (Status.PUBLISHED, Status.WITHDRAWN):
        _versions_released(first_id=record.first_version_id)
    return record


def managed_data_lift_embargoes(*, today=None) -> int:
    """Daily: records whose embargo ended become downloadable for everyone; bump their datestamp so that
    harvesters collect them again, and record the lift in their history and curation events. Idempotent."""
    now = timezone.now()
    with transaction.atomic(durable=True):
        records = list(ManagedData.objects.embargo_due(today).select_for_update(of=("self",)))
        for record in records:
            record.embargo_lifted_at = record.datestamp = record.updated_at = now
        bulk_update_with_history(records, ManagedData, ["embargo_lifted_at", "datestamp", "updated_at"],
                                 batch_size=1000)
        CurationEvent.objects.bulk_create(
            CurationEvent(record=record, action=CurationEvent.LIFT_EMBARGO, from_status=record.status,
                          to_status=record.status, at=now) for record in records)
        harvest_refresh([record.pk for record in records])  # the data link is now everyone's: the public view changed
    return len(records)


@dataclass(frozen=True)
class BulkOutcome:
    record_id: int
    title: str
    done: bool
    message: str


def managed_data_bulk_transition(*, record_ids: list[int], action: str, actor, message: str = "") -> list[BulkOutcome]:
    """Apply one curation action with one message to each of several records, each in its own transaction
    (one record's problem never undoes the others); says for each record what happened, in id order."""
    titles = {pk: str(record) for pk, record in ManagedData.objects.in_bulk(record_ids).items()}
    outcomes = []
    for record_id in sorted(titles):
        try:
            record = managed_data_transition(record_id=record_id, action=action, actor=actor, message=message)
        except (InvalidTransition, PermissionDenied, ValidationError) as error:
            reason = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
            outcomes.append(BulkOutcome(record_id, titles[record_id], False, reason or _("You may not do this.")))
        else:
            outcomes.append(BulkOutcome(record_id, titles[record_id], True, record.get_status_display()))
    return outcomes

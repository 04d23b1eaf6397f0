"""Every write on managed data: create, update, people, curation transitions, embargo lifting."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.identity.selectors import verified_orcid
from portal.models import Role, User
from portal.services import notification_send
from portal.validators import normalize_ror

from .models import CurationEvent, ManagedData, RecordPerson
from .permissions import ACTION_PERMISSIONS, can_create_managed_data, can_edit_managed_data
from .validators import normalize_repository_url
from .vocabularies import Status

ACTION_LABELS = {
    "submit": gettext_lazy("submit for curation"),
    "return": gettext_lazy("return to the researcher"),
    "publish": gettext_lazy("publish"),
    "withdraw": gettext_lazy("withdraw"),
}

EDITABLE_FIELDS = [
    "data_no", "title_ja", "title_en", "issued_date", "description_ja", "description_en", "research_field",
    "data_type", "file_size", "provision_policy", "license", "citation_ja", "citation_en", "access_right",
    "embargo_until", "repository_info_ja", "repository_info_en", "repository_url", "hosting_institution_ja",
    "hosting_institution_en", "hosting_institution_ror", "data_manager_type", "contact_org_ja", "contact_org_en",
    "contact_address_ja", "contact_address_en", "contact_phone", "contact_email", "remarks_ja", "remarks_en",
    "metadata_access",
]
PERSON_FIELDS = ["kind", "name_ja", "name_en", "erad_researcher_number", "orcid", "affiliation_ja",
                 "affiliation_en", "user"]


class InvalidTransition(Exception):
    """An action that the record's current state does not allow."""

    def __init__(self, record: ManagedData, action: str):
        self.record, self.action = record, action
        super().__init__(
            _("This record is %(state)s, so you cannot %(action)s it now.") % {
                "state": record.get_status_display(), "action": ACTION_LABELS.get(action, action)}
            if action in ACTION_LABELS else _("Unknown action “%(action)s”.") % {"action": action}
        )


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


def _set_people(record: ManagedData, people: list[dict]) -> None:
    record.people.all().delete()
    rows = []
    for position, person in enumerate(people):
        row = RecordPerson(record=record, position=position, **{k: person.get(k) or "" for k in PERSON_FIELDS
                                                                if k != "user"})
        row.user = person.get("user")
        if row.user is not None:
            row.orcid = verified_orcid(row.user) or row.orcid
        row.full_clean(exclude=["record"])
        rows.append(row)
    RecordPerson.objects.bulk_create(rows)


def record_people_take_verified_orcid(*, user, orcid: str) -> int:
    """A person who proved their ORCID iD gets it on every record they are linked to (and harvesters
    a new datestamp for the records that changed)."""
    people = RecordPerson.objects.filter(user=user).exclude(orcid=orcid)
    record_ids = list(people.values_list("record_id", flat=True))
    changed = people.update(orcid=orcid)
    ManagedData.objects.filter(pk__in=record_ids).update(datestamp=timezone.now())
    return changed


@transaction.atomic
def managed_data_create(*, project, actor, data: dict, people: list[dict] | None = None) -> ManagedData:
    """Create a draft record in `project`. Format errors raise ValidationError; missing elements don't."""
    if not can_create_managed_data(actor, project):
        raise PermissionDenied(_("Only the project's people can register its managed data."))
    record = ManagedData(project=project, institution_id=project.institution_id, created_by=actor,
                         **{k: v for k, v in _normalise(data).items() if k in EDITABLE_FIELDS})
    record.set_project_columns(project)
    record.full_clean()
    record.search_text = record.build_search_text()
    record._history_user = actor
    record.save()
    _set_people(record, people or [])
    return record


@transaction.atomic
def managed_data_update(*, record_id: int, actor, data: dict, people: list[dict] | None = None) -> ManagedData:
    record = ManagedData.objects.select_for_update(of=("self",)).select_related("project__program").get(pk=record_id)
    if not can_edit_managed_data(actor, record):
        raise PermissionDenied(_("Only the record's people can edit it, and only while it is a draft or returned."))
    for key, value in _normalise(data).items():
        if key in EDITABLE_FIELDS:
            setattr(record, key, value)
    record.updated_at = timezone.now()
    record.set_project_columns(record.project)
    record.full_clean()
    record.search_text = record.build_search_text()
    record._history_user = actor
    record.save()
    if people is not None:
        _set_people(record, people)
    return record


def managed_data_transition(*, record_id: int, action: str, actor, message: str = "") -> ManagedData:
    """Apply one curation action under a row lock: check the state table, the actor's right and, for
    submit and publish, completeness; record the event; notify the people once committed."""
    with transaction.atomic():
        record = ManagedData.objects.select_for_update(of=("self",)).select_related("project").get(pk=record_id)
        to_status = ManagedData.TRANSITIONS.get((record.status, action))
        if to_status is None:
            raise InvalidTransition(record, action)
        if not ACTION_PERMISSIONS[action](actor, record):
            raise PermissionDenied(_("You may not %(action)s this record.") % {"action": ACTION_LABELS[action]})
        if action in ("submit", "publish"):
            errors = record.completeness_errors()
            if errors:
                raise ValidationError(errors)
        if action in ("return", "withdraw") and not message.strip():
            raise ValidationError({"message": [_("Say why, so that the researcher knows what to do.")]})
        now = timezone.now()
        from_status, record.status, record.updated_at = record.status, to_status, now
        fields = ["status", "updated_at"]
        if to_status in (Status.PUBLISHED, Status.WITHDRAWN):
            record.datestamp = now
            fields.append("datestamp")
        if to_status == Status.PUBLISHED:
            record.published_at = now
            fields.append("published_at")
        if to_status == Status.WITHDRAWN:
            record.withdrawn_reason = message
            fields.append("withdrawn_reason")
        record._history_user = actor
        record.save(update_fields=fields)
        CurationEvent.objects.create(record=record, actor=actor, action=action, from_status=from_status,
                                     to_status=to_status, message=message, at=now)
        _notify(record, actor, action, message)
    return record


def _notify(record: ManagedData, actor, action: str, message: str) -> None:
    """Tell the record's creator (and the curators' side on submit) in their own language."""
    if action == "submit":
        recipients = User.objects.filter(role_assignments__role=Role.LIBRARIAN,
                                         role_assignments__institution=record.institution_id)
    else:
        recipients = [record.created_by]
    for user in recipients:
        if user == actor:
            continue
        with translation.override(user.preferred_language):
            subject = _("Managed data “%(title)s”: %(action)s") % {"title": record.title,
                                                                   "action": ACTION_LABELS[action]}
            body = _("The record is now: %(state)s.") % {"state": record.get_status_display()}
            if message:
                body += "\n\n" + message
        notification_send(user=user, subject=subject, body=body, link=record.get_absolute_url())


def managed_data_lift_embargoes(*, today=None) -> int:
    """Daily: records whose embargo ended become downloadable for everyone; bump their datestamp so that
    harvesters collect them again. Idempotent."""
    now = timezone.now()
    return ManagedData.objects.embargo_due(today).update(embargo_lifted_at=now, datestamp=now, updated_at=now)


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

"""Every write on projects, DMPs, their review and templates."""

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from policy.models import FundingProgram
from portal.models import Funder, Role, RoleAssignment, User
from portal.services import notification_body, notification_send
from portal.transitions import Change, Workflow, transition

from .models import (
    DMP,
    DMPTemplate,
    DMPTransition,
    DMPVersion,
    Project,
    ProjectMember,
    QuestionType,
    ReviewComment,
    TemplateQuestion,
    TemplateSection,
)
from .permissions import (
    ACTION_PERMISSIONS,
    can_comment_dmp,
    can_create_project,
    can_edit_dmp,
    can_edit_project,
    can_resolve_comment,
    can_review_dmp,
    has_duty_conflict,
)
from .selectors import (
    QUESTION_KEYS,
    dmp_missing_answers,
    managed_data_reads,
    project_snapshot,
    review_round_start,
    template_export,
    template_for_program,
)
from .validators import clean_answer, is_answered_by_project

ACTION_LABELS = {
    "submit": gettext_lazy("submitted"),
    "request_changes": gettext_lazy("sent back with requested changes"),
    "approve": gettext_lazy("approved"),
    "revise": gettext_lazy("revised"),
    "withdraw": gettext_lazy("withdrawn"),
}
# What a notification of each action says: subject, what happened, what the recipient should do next.
NOTICES = {
    "submit": (gettext_lazy("Review requested: DMP “%(title)s” from %(actor)s"),
               gettext_lazy("%(actor)s submitted the DMP “%(title)s” of the project %(project)s for review."),
               gettext_lazy("Review the plan, then approve it or request changes.")),
    "request_changes": (gettext_lazy("Changes requested on the DMP “%(title)s”"),
                        gettext_lazy("%(actor)s requested changes to the DMP “%(title)s” of the project %(project)s."),
                        gettext_lazy("Revise the plan as the comments ask and submit it again.")),
    "approve": (gettext_lazy("DMP “%(title)s” approved"),
                gettext_lazy("%(actor)s approved the DMP “%(title)s” of the project %(project)s."),
                gettext_lazy("Nothing more is needed for the plan; register the project's data as it describes.")),
    "revise": (gettext_lazy("DMP “%(title)s” reopened for revision"),
               gettext_lazy("%(actor)s reopened the approved DMP “%(title)s” of the project %(project)s for "
                            "revision."),
               gettext_lazy("Edit the plan and submit it again for review when it is ready.")),
    "withdraw": (gettext_lazy("DMP “%(title)s” withdrawn"),
                 gettext_lazy("%(actor)s withdrew the DMP “%(title)s” of the project %(project)s."),
                 gettext_lazy("Nothing is needed: the plan leaves the review queue and is kept for the record.")),
}
DUTY_REFUSALS = {
    "approve": gettext_lazy("You cannot approve a plan you are a member of."),
    "request_changes": gettext_lazy("You cannot request changes on a plan you are a member of."),
}
TEMPLATE_DATA_DIR = Path(__file__).resolve().parent / "template_data"
PROJECT_FIELDS = ["grant_number", "name_ja", "name_en", "program", "research_field", "start_date", "end_date",
                  "institution", "department"]


# Projects and DMPs ------------------------------------------------------------------------------------------

def _set_members(project: Project, members: list[dict]) -> None:
    project.members.all().delete()
    rows = []
    for member in members:
        if member["user"] == project.pi:
            continue
        row = ProjectMember(project=project, user=member["user"], role=member.get("role") or "contributor",
                            can_edit=member.get("can_edit", True))
        row.full_clean(exclude=["project"], validate_unique=False)
        rows.append(row)
    ProjectMember.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def project_create(*, actor: User, data: dict, members: list[dict] | None = None) -> Project:
    """A project led by `actor` at one of the institutions where they are a researcher."""
    institution = data.get("institution")
    if not can_create_project(actor, institution):
        raise PermissionDenied(_("You can create projects only at an institution where you are a researcher."))
    project = Project(pi=actor, **{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    project.full_clean()
    project.save()
    _set_members(project, members or [])
    return project


@transaction.atomic(durable=True)
def project_update(*, dmp_id: int, actor: User, data: dict, members: list[dict]) -> Project:
    """Change the project block of a DMP being written: names, program, field, period, contributors. The
    PI and the institution stay."""
    dmp = DMP.objects.select_for_update(of=("self",)).select_related("project").get(pk=dmp_id)
    if not can_edit_project(actor, dmp):
        raise PermissionDenied(_("Only the project's editors can change it, and only while the DMP is a draft or "
                                 "has changes requested."))
    project = dmp.project
    for key in PROJECT_FIELDS:
        if key in data and key != "institution":
            setattr(project, key, data[key])
    project.full_clean()
    project.save()
    _set_members(project, members)
    dmp.updated_at = timezone.now()
    dmp.save(update_fields=["updated_at"])
    return project


@transaction.atomic
def dmp_create(*, actor: User, project: Project, template: DMPTemplate | None = None, **fields) -> DMP:
    """Start the DMP of `project` on `template` (by default the one serving the project's program)."""
    if not Project.objects.with_member(actor).filter(pk=project.pk).exists():
        raise PermissionDenied(_("Only the project's people can write its DMP."))
    if DMP.objects.filter(project=project).exists():
        raise ValidationError({"project": [_("This project already has a DMP.")]})
    template = template or template_for_program(program=project.program)
    if template is None or not template.is_published:
        raise ValidationError({"template": [_("No published DMP template is available for this program.")]})
    dmp = DMP(project=project, template=template, created_by=actor, **fields)
    dmp.full_clean()
    dmp.save()
    return dmp


@transaction.atomic
def dmp_start(*, actor: User, project_data: dict, members: list[dict], template: DMPTemplate | None = None) -> DMP:
    """The editor's "new DMP": the project (PI = actor, contributors) and its DMP, together."""
    project = project_create(actor=actor, data=project_data, members=members)
    return dmp_create(actor=actor, project=project, template=template)


@transaction.atomic(durable=True)
def dmp_save_answers(*, dmp_id: int, actor: User, answers: dict) -> DMP:
    """Save some answers (one section's, say) and keep every other answer as it was. All format errors
    are raised together, keyed by question, and nothing is saved then."""
    dmp = DMP.objects.select_for_update(of=("self",)).select_related("project").get(pk=dmp_id)
    if not can_edit_dmp(actor, dmp):
        raise PermissionDenied(_("Only the project's editors can change this DMP, and only while it is a draft "
                                 "or has changes requested."))
    questions = {q.key: q for q in TemplateQuestion.objects.filter(section__template=dmp.template_id)}
    errors, cleaned = {}, {}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None or is_answered_by_project(question):
            errors[key] = [_("This template has no question “%(key)s” to answer.") % {"key": key}]
            continue
        try:
            cleaned[key] = clean_answer(question, value)
        except ValidationError as error:
            errors[key] = error.messages
    if errors:
        raise ValidationError(errors)
    dmp.answers = {**dmp.answers, **cleaned}
    dmp.updated_at = timezone.now()
    dmp.save(update_fields=["answers", "updated_at"])
    return dmp


def _refusal(actor: User, dmp: DMP, action: str) -> str | None:
    if ACTION_PERMISSIONS[action](actor, dmp):
        return None
    if has_duty_conflict(actor, dmp, action) and can_review_dmp(actor, dmp):
        return str(DUTY_REFUSALS[action])
    return _("You may not do this: the DMP would be %(action)s.") % {"action": ACTION_LABELS[action]}


def _record(dmp: DMP, change: Change) -> None:
    DMPTransition.objects.create(dmp=dmp, actor=change.actor, action=change.action, from_status=change.from_state,
                                 to_status=change.to_state, message=change.message, at=change.at,
                                 duty_override=change.duty_override, **change.extra)


def _notify(dmp: DMP, change: Change) -> None:
    """Submissions go to the institution's reviewers (not to those who are party to the plan), decisions to
    the project's editors; each in their own language, saying who did what, the comment and what to do next."""
    actor, action = change.actor, change.action
    if action == "submit" or (action == "withdraw" and dmp.submitted_at):
        recipients = [user for user in User.objects.filter(pk__in=RoleAssignment.objects.holder_ids(
                          Role.REVIEWER, institution=dmp.project.institution_id))
                      if not has_duty_conflict(user, dmp, "approve")]
    else:
        recipients = [dmp.project.pi, *User.objects.filter(project_memberships__project=dmp.project,
                                                           project_memberships__can_edit=True)]
    subject, what, next_step = NOTICES[action]
    for user in dict.fromkeys(recipients):
        if user == actor:
            continue
        with translation.override(user.preferred_language):
            names = {"actor": actor, "title": dmp.display_title, "project": dmp.project}
            body = notification_body(what=what % names, next_step=str(next_step), comment=change.message,
                                     commenter=actor)
            notification_send(user=user, subject=subject % names, body=body, link=dmp.get_absolute_url())


REVIEW = Workflow(
    model=DMP, related=("project",), labels=ACTION_LABELS, refusal=_refusal, duty_conflict=has_duty_conflict,
    invalid=gettext_lazy("This DMP is now “%(state)s”; it cannot be %(action)s."),
    needs_message={"request_changes": gettext_lazy("Say what should change, so that the researcher knows what to "
                                                   "do.")},
    record=_record, notify=_notify,
)


def _apply_review(dmp: DMP, change: Change) -> list[str]:
    """On submit, completeness and a frozen version; on approve, the approved version and the round."""
    version = dmp.versions.order_by("-number").first()
    fields = []
    if change.action == "submit":
        missing = dmp_missing_answers(dmp=dmp)
        if missing:
            raise ValidationError({"answers": [_("Required answer missing: %(question)s") % {
                "question": q.label} for q in missing]})
        version = DMPVersion.objects.create(
            dmp=dmp, number=(version.number + 1 if version else 1), template=dmp.template,
            answers=dmp.answers, project_snapshot=project_snapshot(project=dmp.project),
            datasets=managed_data_reads().snapshot(project=dmp.project), submitted_by=change.actor,
            submitted_at=change.at,
        )
        dmp.submitted_at = change.at
        fields.append("submitted_at")
    change.extra["version"] = version
    if change.action == "approve":
        dmp.approved_version = version
        fields.append("approved_version")
        change.extra["round_started_at"] = review_round_start(dmp=dmp)
    return fields


@transaction.atomic(durable=True)
def dmp_transition(*, dmp_id: int, action: str, actor: User, message: str = "") -> DMP:
    """Apply one review action (see `portal.transitions.transition`): completeness on submit (a version is
    frozen), the transition record, the notification."""
    return transition(REVIEW, pk=dmp_id, action=action, actor=actor, message=message, apply=_apply_review)


def dmp_submit(*, dmp_id: int, actor: User) -> DMP:
    return dmp_transition(dmp_id=dmp_id, action="submit", actor=actor)


def dmp_approve(*, dmp_id: int, actor: User, message: str = "") -> DMP:
    return dmp_transition(dmp_id=dmp_id, action="approve", actor=actor, message=message)


def dmp_request_changes(*, dmp_id: int, actor: User, message: str) -> DMP:
    return dmp_transition(dmp_id=dmp_id, action="request_changes", actor=actor, message=message)


# Review comments --------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def review_comment_add(*, version_id: int, question_key: str, actor: User, body: str) -> ReviewComment:
    version = DMPVersion.objects.select_related("dmp__project").get(pk=version_id)
    if not can_comment_dmp(actor, version.dmp):
        raise PermissionDenied(_("Only the institution's reviewers comment on a DMP."))
    if not body.strip():
        raise ValidationError({"body": [_("Write the comment.")]})
    if not TemplateQuestion.objects.filter(section__template=version.template_id, key=question_key).exists():
        raise ValidationError({"question_key": [_("This version has no question “%(key)s”.") % {
            "key": question_key}]})
    return ReviewComment.objects.create(version=version, question_key=question_key, author=actor, body=body.strip())


@transaction.atomic(durable=True)
def review_comment_resolve(*, comment_id: int, actor: User) -> ReviewComment:
    comment = ReviewComment.objects.select_for_update(of=("self",)).select_related("version__dmp__project").get(
        pk=comment_id)
    if not can_resolve_comment(actor, comment):
        raise PermissionDenied(_("Only the reviewers and the project's editors resolve comments."))
    if comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = timezone.now(), actor
        comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


# Templates --------------------------------------------------------------------------------------------------

TEMPLATE_KEYS = ("key", "version", "title_ja", "title_en", "description_ja", "description_en")


def _path_errors(data: dict) -> dict[str, list[str]]:
    """Structural errors of a template file, keyed by JSON path."""
    errors: dict[str, list[str]] = {}

    def need(obj, key, path, kind):
        if not isinstance(obj, dict) or not isinstance(obj.get(key), kind) or obj.get(key) in ("", []):
            errors.setdefault(f"{path}.{key}", []).append(_("Required, and must be a %(kind)s.") % {
                "kind": {str: _("text"), list: _("list"), int: _("whole number")}[kind]})
            return False
        return True

    need(data, "key", "$", str)
    need(data, "title_ja", "$", str)
    if need(data, "sections", "$", list):
        keys = set()
        for i, section in enumerate(data["sections"]):
            path = f"$.sections[{i}]"
            need(section, "title_ja", path, str)
            if not need(section, "questions", path, list):
                continue
            for j, question in enumerate(section["questions"]):
                qpath = f"{path}.questions[{j}]"
                if need(question, "key", qpath, str) and need(question, "label_ja", qpath, str):
                    if question["key"] in keys:
                        errors.setdefault(f"{qpath}.key", []).append(_("This key is used twice."))
                    keys.add(question["key"])
                if question.get("type", "text") not in QuestionType.values:
                    errors.setdefault(f"{qpath}.type", []).append(_("Unknown question type “%(type)s”.") % {
                        "type": question.get("type")})
                if question.get("type") in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
                    need(question, "options", qpath, list)
    return errors


@transaction.atomic
def template_import(*, data: dict, publish: bool = True) -> DMPTemplate:
    """Create a template version from its JSON form (see `template_export`). The funder is found or
    created by its code; programs are linked by their Japanese name under that funder when they exist."""
    if not isinstance(data, dict):
        raise ValidationError({"$": [_("A template file holds one JSON object.")]})
    errors = _path_errors(data)
    if errors:
        raise ValidationError(errors)
    version = data.get("version") or 1
    if DMPTemplate.objects.filter(key=data["key"], version=version).exists():
        raise ValidationError({"$.version": [_("Version %(version)s of template “%(key)s” exists already.") % {
            "version": version, "key": data["key"]}]})
    funder = None
    if data.get("funder"):
        f = data["funder"]
        funder, _created = Funder.objects.get_or_create(
            code=f["code"], defaults={"name_ja": f.get("name_ja") or f["code"], "name_en": f.get("name_en", "")})
    template = DMPTemplate.objects.create(funder=funder, **{k: data[k] for k in TEMPLATE_KEYS if k in data} | {
        "version": version})
    if funder:
        template.programs.set(FundingProgram.objects.filter(funder=funder, name_ja__in=data.get("programs", [])))
    for i, section_data in enumerate(data["sections"]):
        section = TemplateSection.objects.create(template=template, position=i, title_ja=section_data["title_ja"],
                                                 title_en=section_data.get("title_en", ""))
        TemplateQuestion.objects.bulk_create(
            TemplateQuestion(section=section, position=j, **{k: q[k] for k in QUESTION_KEYS if k in q})
            for j, q in enumerate(section_data["questions"])
        )
    if publish:
        template_publish(template=template)
    return template


@transaction.atomic
def template_publish(*, template: DMPTemplate) -> DMPTemplate:
    if not template.is_published:
        template.status, template.published_at = DMPTemplate.Status.PUBLISHED, timezone.now()
        template.save(update_fields=["status", "published_at"])
    return template


@transaction.atomic(durable=True)
def template_new_version(*, template: DMPTemplate) -> DMPTemplate:
    """A draft copy of `template` as the next version; the published one stays as it is."""
    data = template_export(template=template)
    data["version"] = (DMPTemplate.objects.filter(key=template.key).order_by("-version").first().version + 1)
    try:
        new = template_import(data=data, publish=False)
    except IntegrityError as error:  # a concurrent new version took the number
        raise ValidationError(_("Another version was created at the same time; try again.")) from error
    new.programs.set(template.programs.all())
    new.institution = template.institution
    new.save(update_fields=["institution"])
    return new


def template_load_shipped() -> list[DMPTemplate]:
    """Import every template in dmp/template_data/ whose version is not in the database yet (idempotent)."""
    created = []
    for path in sorted(TEMPLATE_DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not DMPTemplate.objects.filter(key=data["key"], version=data.get("version") or 1).exists():
            created.append(template_import(data=data))
    return created

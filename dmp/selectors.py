"""Reads across DMP models: templates for a program, lists, the review queue, missing answers, diffs."""

from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from portal import inbox
from portal.i18n import current_language

from .models import (
    DMP,
    DMPStatus,
    DMPTemplate,
    DMPTransition,
    DMPVersion,
    QuestionType,
    ResearchField,
    ReviewComment,
    TemplateQuestion,
    TemplateSection,
)

# The managed-data attributes a DMP shows and freezes in each version (template columns pick from these).
DATASET_FIELDS = (
    "pk", "data_no", "title_ja", "title_en", "description_ja", "description_en", "data_type", "file_size",
    "access_right", "embargo_until", "license", "repository_info_ja", "repository_info_en", "repository_url",
    "hosting_institution_ja", "hosting_institution_en", "status",
)
QUESTION_KEYS = ("key", "type", "label_ja", "label_en", "guidance_ja", "guidance_en", "required", "options",
                 "columns", "project_field", "element", "madmp")
DMP_LIST_RELATED = ("project__program__funder", "project__department", "project__institution", "project__pi",
                    "template")


def template_for_program(*, program) -> DMPTemplate | None:
    """The newest published template serving `program`; else its funder's general template (one that
    names no program), else any of its funder's; else the generic one."""
    published = DMPTemplate.objects.filter(status=DMPTemplate.Status.PUBLISHED).order_by("-version", "-pk")
    funders = published.filter(funder=program.funder_id)
    return (
        published.filter(programs=program).first()
        or funders.filter(programs__isnull=True).first()
        or funders.first()
        or published.filter(funder__isnull=True, institution__isnull=True).first()
    )


def template_structure(*, template: DMPTemplate) -> list[TemplateSection]:
    """Sections with their questions, in two queries."""
    return list(template.sections.prefetch_related(Prefetch("questions", TemplateQuestion.objects.order_by(
        "position", "pk"))))


def dmp_list(*, user):
    """The DMPs `user` may see, newest change first (answers are left out of list rows)."""
    return (DMP.objects.visible_to(user).select_related(*DMP_LIST_RELATED).defer("answers")
            .order_by("-updated_at", "-pk"))


def dmp_review_queue(*, user):
    """DMPs of the reviewer's institutions, the longest-waiting submission first."""
    return (DMP.objects.visible_to(user).reviewable_by(user).select_related(*DMP_LIST_RELATED).defer("answers")
            .order_by("submitted_at", "pk"))


def review_round_start(*, dmp):
    """When the review round now being decided began: the first submission since the previous approval
    (resubmissions after requested changes continue the round)."""
    start = None
    for action, at in (dmp.transitions.filter(action__in=("submit", "approve")).order_by("-at", "-pk")
                       .values_list("action", "at")):
        if action == "approve":
            break
        start = at
    return start


def dmp_detail_queryset(*, user):
    return DMP.objects.visible_to(user).select_related(*DMP_LIST_RELATED, "approved_version")


def dataset_rows(*, project) -> list[dict]:
    """The project's managed-data records as plain rows (the DMP's dataset table)."""
    return list(project.managed_data.order_by("data_no", "pk").values(*DATASET_FIELDS))


def dataset_labels(rows: list[dict], model) -> list[dict]:
    """Rows with choice values replaced by their labels and the bilingual pairs picked, for display."""
    choices = {f.name: dict(f.choices) for f in model._meta.fields if f.choices}
    shown = []
    for row in rows:
        out = {k: (choices[k].get(v, v) if k in choices and v else v) for k, v in row.items()}
        for base in ("title", "description", "repository_info", "hosting_institution"):
            out[base] = pick_pair(row, base)
        shown.append(out)
    return shown


def pick_pair(row: dict, base: str) -> str:
    """`portal.i18n.pick` for a plain dict with `<base>_ja` / `<base>_en` keys."""
    first, second = ("en", "ja") if current_language() == "en" else ("ja", "en")
    return row.get(f"{base}_{first}") or row.get(f"{base}_{second}") or ""


def project_snapshot(*, project) -> dict:
    members = [{"name": str(m.user), "email": m.user.email, "role": m.role, "can_edit": m.can_edit}
               for m in project.members.select_related("user")]
    return {
        "grant_number": project.grant_number, "name_ja": project.name_ja, "name_en": project.name_en,
        "program_ja": project.program.name_ja, "program_en": project.program.name_en,
        "funder_ja": project.program.funder.name_ja, "funder_en": project.program.funder.name_en,
        "research_field": project.research_field,
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "pi": str(project.pi), "pi_email": project.pi.email, "members": members,
    }


def project_answer(question, snapshot: dict):
    """The value a `project_field` question shows, from a project snapshot."""
    field = question.project_field
    if field == "people":
        people = [f"{snapshot['pi']} ({snapshot['pi_email']})"]
        people += [f"{m['name']} ({m['email']})" for m in snapshot["members"]]
        return "\n".join(people)
    if field in ("name", "program", "funder"):
        return pick_pair(snapshot, field)
    if field == "research_field":
        return str(ResearchField(snapshot["research_field"]).label) if snapshot.get("research_field") else ""
    if field == "period":
        return " – ".join(v for v in (snapshot["start_date"], snapshot["end_date"]) if v)
    return snapshot.get(field, "")


def dmp_missing_answers(*, dmp: DMP, sections=None) -> list[TemplateQuestion]:
    """Every required question still unanswered, in template order."""
    sections = sections if sections is not None else template_structure(template=dmp.template)
    snapshot = project_snapshot(project=dmp.project)
    has_data = dmp.project.managed_data.exists()
    missing = []
    for section in sections:
        for question in section.questions.all():
            if not question.required:
                continue
            if question.type == QuestionType.MANAGED_DATA:
                answered = has_data
            elif question.project_field:
                answered = bool(project_answer(question, snapshot))
            else:
                answered = dmp.answers.get(question.key) not in (None, "", [])
            if not answered:
                missing.append(question)
    return missing


def open_comments_by_question(*, dmp: DMP) -> dict[str, list[ReviewComment]]:
    """Unresolved comments of every version, grouped by question, for showing beside the answers."""
    grouped: dict[str, list[ReviewComment]] = {}
    comments = ReviewComment.objects.filter(version__dmp=dmp).select_related("author", "version")
    for comment in comments.order_by("created_at", "pk"):
        grouped.setdefault(comment.question_key, []).append(comment)
    return grouped


def version_comments_by_question(*, version: DMPVersion) -> dict[str, list[ReviewComment]]:
    grouped: dict[str, list[ReviewComment]] = {}
    for comment in version.comments.select_related("author", "resolved_by").order_by("created_at", "pk"):
        grouped.setdefault(comment.question_key, []).append(comment)
    return grouped


def display_answer(question, value) -> str:
    if value in (None, "", []):
        return ""
    if question.type == QuestionType.MULTI_CHOICE:
        return ", ".join(question.option_label(v) for v in value)
    if question.type == QuestionType.CHOICE:
        return question.option_label(value)
    if question.type == QuestionType.YES_NO:
        return gettext("Yes") if value == "yes" else gettext("No")
    return str(value)


def version_diff(*, old: DMPVersion, new: DMPVersion) -> list[dict]:
    """Question by question (of the newer version's template), and dataset rows by data No.: the old
    and the new value and whether they differ."""
    rows = []
    for section in template_structure(template=new.template):
        for question in section.questions.all():
            if question.type == QuestionType.MANAGED_DATA:
                continue
            if question.project_field:
                before = project_answer(question, old.project_snapshot)
                after = project_answer(question, new.project_snapshot)
            else:
                before = display_answer(question, old.answers.get(question.key))
                after = display_answer(question, new.answers.get(question.key))
            rows.append({"section": section, "question": question, "old": before, "new": after,
                         "changed": before != after})
    old_sets = {d["pk"]: d for d in old.datasets}
    new_sets = {d["pk"]: d for d in new.datasets}
    for pk in sorted(set(old_sets) | set(new_sets)):
        before, after = _dataset_text(old_sets.get(pk)), _dataset_text(new_sets.get(pk))
        rows.append({"section": None, "question": None, "dataset": (new_sets.get(pk) or old_sets.get(pk)),
                     "old": before, "new": after, "changed": before != after})
    return rows


def _dataset_text(row) -> str:
    if row is None:
        return ""
    return "\n".join(f"{k}: {v}" for k, v in row.items() if k != "pk" and v not in (None, ""))



def template_export(*, template: DMPTemplate) -> dict:
    """The template as JSON data (the format of dmp/template_data/*.json and of `template_import`)."""
    data = {
        "key": template.key, "version": template.version, "title_ja": template.title_ja,
        "title_en": template.title_en, "description_ja": template.description_ja,
        "description_en": template.description_en,
        "funder": ({"code": template.funder.code, "name_ja": template.funder.name_ja,
                    "name_en": template.funder.name_en} if template.funder else None),
        "programs": sorted(template.programs.values_list("name_ja", flat=True)),
        "sections": [],
    }
    for section in template_structure(template=template):
        data["sections"].append({
            "title_ja": section.title_ja, "title_en": section.title_en,
            "questions": [{k: getattr(q, k) for k in QUESTION_KEYS} for q in section.questions.all()],
        })
    return data


def answer_sheet(*, template: DMPTemplate, answers: dict, snapshot: dict, datasets: list[dict], data_model,
                 comments: dict | None = None) -> list[dict]:
    """The plan as a reader sees it: per section, each question with its shown answer, the dataset
    table for managed-data questions, and the comments anchored to it."""
    comments = comments or {}
    shown_rows = dataset_labels(datasets, data_model)
    sheet = []
    for section in template_structure(template=template):
        items = []
        for question in section.questions.all():
            item = {"question": question, "comments": comments.get(question.key, [])}
            if question.type == QuestionType.MANAGED_DATA:
                item["columns"] = [{**c, "label": pick_pair(c, "label")} for c in question.columns]
                item["rows"] = [{"pk": r["pk"], "editable": raw["status"] in data_model.EDITABLE,
                                 "cells": [{"field": c["field"], "value": r.get(c["field"]) or ""}
                                           for c in question.columns]}
                                for r, raw in zip(shown_rows, datasets, strict=True)]
            elif question.project_field:
                item["value"] = project_answer(question, snapshot)
            else:
                item["value"] = display_answer(question, answers.get(question.key))
            items.append(item)
        sheet.append({"section": section, "items": items})
    return sheet


def _last_message(transition_model):
    """The message of an object's newest transition (a subquery, so a list costs no query per row)."""
    return Subquery(transition_model.order_by("-at", "-pk").values("message")[:1])


def inbox_sections(user):
    """The DMP work waiting for `user` (portal.inbox): DMPs to review, oldest submission first; their own
    DMPs sent back with changes requested, with the reviewer's message; their drafts."""
    dmps = DMP.objects.visible_to(user).select_related("project").defer("answers")
    returned_message = _last_message(DMPTransition.objects.filter(dmp=OuterRef("pk"),
                                                                  to_status=DMPStatus.CHANGES_REQUESTED))
    queue = reverse("dmp:dmp-review-queue")
    mine = reverse("dmp:dmp-list")
    yield inbox.section(
        key="dmp-review", title=gettext("DMPs waiting for your review"), url=f"{queue}?status={DMPStatus.SUBMITTED}",
        queryset=dmps.reviewable_by(user).filter(status=DMPStatus.SUBMITTED).order_by("submitted_at", "pk"),
        item=lambda d: inbox.InboxItem(str(d), d.get_absolute_url(), _waiting(d.submitted_at)),
    )
    yield inbox.section(
        key="dmp-returned", title=gettext("Your DMPs returned with changes requested"),
        url=f"{mine}?status={DMPStatus.CHANGES_REQUESTED}",
        queryset=dmps.editable_by(user).filter(status=DMPStatus.CHANGES_REQUESTED)
        .annotate(returned_message=returned_message).order_by("updated_at", "pk"),
        item=lambda d: inbox.InboxItem(str(d), d.get_absolute_url(), d.returned_message or ""),
    )
    yield inbox.section(
        key="dmp-drafts", title=gettext("Your DMP drafts"), url=f"{mine}?status={DMPStatus.DRAFT}",
        queryset=dmps.editable_by(user).filter(status=DMPStatus.DRAFT).order_by("-updated_at", "-pk"),
        item=lambda d: inbox.InboxItem(str(d), d.get_absolute_url()),
    )


def _waiting(since) -> str:
    if since is None:
        return ""
    days = (timezone.now() - since).days
    return ngettext("waiting %(days)d day", "waiting %(days)d days", days) % {"days": days}

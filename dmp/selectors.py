"""Reads across DMP models: templates for a program, lists, the review queue, missing answers, diffs."""

import re
from difflib import SequenceMatcher
from typing import Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import OuterRef, Prefetch, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from portal import inbox
from portal.i18n import pick

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
    """DMPs of the reviewer's institutions but not their own plans, the longest-waiting submission first."""
    return (DMP.objects.visible_to(user).decidable_by(user).select_related(*DMP_LIST_RELATED).defer("answers")
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


class ManagedDataReads(Protocol):
    """How DMP pages read the project's managed data (its dataset rows: plain dicts with a `pk`). `metadata`
    depends on dmp, not the reverse, so it provides these when the apps are ready (`metadata.apps`), links
    included; the data location in a row is the one the viewer gets."""

    def snapshot(self, *, project) -> list[dict]: ...  # every record, JSON-ready, to freeze in a version
    def rows(self, *, project, viewer) -> list[dict]: ...  # the records `viewer` sees now
    def frozen_rows(self, *, rows: list[dict], viewer) -> list[dict]: ...  # frozen rows as `viewer` gets them
    def labels(self, rows: list[dict]) -> list[dict]: ...  # for display, with `editable`, `url`, `edit_url`
    def exists(self, *, project) -> bool: ...
    def create_url(self, *, project) -> str: ...  # the page that adds a record to the project


_managed_data: list[ManagedDataReads] = []


def managed_data_reads_register(reads: ManagedDataReads) -> None:
    _managed_data[:] = [reads]


def managed_data_reads() -> ManagedDataReads:
    if not _managed_data:
        raise ImproperlyConfigured("The metadata app provides the DMP's dataset rows; add it to INSTALLED_APPS.")
    return _managed_data[0]


class DMPTools(Protocol):
    """Buttons another app adds to DMP pages (`metadata.madmp`: the maDMP export and import), as
    (label, url) pairs, registered when the apps are ready."""

    def plan(self, *, dmp) -> list[tuple[str, str]]: ...  # on a DMP's page
    def plans(self) -> list[tuple[str, str]]: ...  # on the list of DMPs


_tools: list[DMPTools] = []


def dmp_tools_register(tools: DMPTools) -> None:
    if tools not in _tools:
        _tools.append(tools)


def dmp_tool_links(*, dmp=None) -> list[tuple[str, str]]:
    """The registered buttons for `dmp`'s page, or for the list of DMPs without `dmp`."""
    return [link for tools in _tools for link in (tools.plan(dmp=dmp) if dmp else tools.plans())]


def dataset_rows(*, project, viewer) -> list[dict]:
    """The DMP's dataset table now, as `viewer` gets it."""
    return managed_data_reads().rows(project=project, viewer=viewer)


def version_dataset_rows(*, version: DMPVersion, viewer) -> list[dict]:
    """The dataset table frozen in `version`, as `viewer` gets it."""
    return managed_data_reads().frozen_rows(rows=version.datasets, viewer=viewer)


def snapshot_person(user) -> dict:
    """A person as a version keeps them: both names (the reader's language picks one) and the e-mail address."""
    return {"name_ja": user.name_ja, "name_en": user.name_en, "email": user.email}


def project_snapshot(*, project) -> dict:
    """The project block as a version freezes it, in values that do not depend on the submitter's language:
    codes for choices, both names of people, program and funder, ISO dates. Readers get labels in their
    own language (`project_answer`)."""
    members = [{**snapshot_person(m.user), "role": m.role, "can_edit": m.can_edit}
               for m in project.members.select_related("user")]
    return {
        "grant_number": project.grant_number, "name_ja": project.name_ja, "name_en": project.name_en,
        "program_ja": project.program.name_ja, "program_en": project.program.name_en,
        "funder_ja": project.program.funder.name_ja, "funder_en": project.program.funder.name_en,
        "research_field": project.research_field,
        "start_date": project.start_date.isoformat() if project.start_date else "",
        "end_date": project.end_date.isoformat() if project.end_date else "",
        "pi": snapshot_person(project.pi), "members": members,
    }


def _person_name(person: dict) -> str:
    return pick(person, "name") or person["email"]


def project_answer(question, snapshot: dict):
    """The value a `project_field` question shows, from a project snapshot, in the active language."""
    field = question.project_field
    if field == "people":
        return "\n".join(f"{_person_name(p)} ({p['email']})" for p in [snapshot["pi"], *snapshot["members"]])
    if field == "pi":
        return _person_name(snapshot["pi"])
    if field in ("name", "program", "funder"):
        return pick(snapshot, field)
    if field == "research_field":
        return str(ResearchField(snapshot["research_field"]).label) if snapshot.get("research_field") else ""
    if field == "period":
        return " – ".join(v for v in (snapshot["start_date"], snapshot["end_date"]) if v)
    return snapshot.get(field, "")


def dmp_missing_answers(*, dmp: DMP, sections=None) -> list[TemplateQuestion]:
    """Every required question still unanswered, in template order."""
    sections = sections if sections is not None else template_structure(template=dmp.template)
    snapshot = project_snapshot(project=dmp.project)
    has_data = managed_data_reads().exists(project=dmp.project)
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


def version_diff(*, old: DMPVersion, new: DMPVersion, viewer) -> list[dict]:
    """Question by question (of the newer version's template), and in a managed-data table record by
    record: the old and the new value as `viewer` reads them (labels in the active language), as segments
    marking what changed within the text (`text_diff`), and whether they differ."""
    reads = managed_data_reads()
    old_sets = {d["pk"]: d for d in reads.labels(version_dataset_rows(version=old, viewer=viewer))}
    new_sets = {d["pk"]: d for d in reads.labels(version_dataset_rows(version=new, viewer=viewer))}
    records = [*new_sets, *(pk for pk in old_sets if pk not in new_sets)]
    rows = []
    for section in template_structure(template=new.template):
        for question in section.questions.all():
            if question.type == QuestionType.MANAGED_DATA:
                for pk in records:
                    rows.append(_diff_row(question, _dataset_text(question, old_sets.get(pk)),
                                          _dataset_text(question, new_sets.get(pk)),
                                          record=new_sets.get(pk) or old_sets[pk]))
            elif question.project_field:
                rows.append(_diff_row(question, project_answer(question, old.project_snapshot),
                                      project_answer(question, new.project_snapshot)))
            else:
                rows.append(_diff_row(question, display_answer(question, old.answers.get(question.key)),
                                      display_answer(question, new.answers.get(question.key))))
    return rows


def _diff_row(question, before: str, after: str, record: dict | None = None) -> dict:
    old, new = text_diff(before, after)
    return {"question": question, "record": record, "old": old, "new": new, "changed": before != after}


def _dataset_text(question, row: dict | None) -> str:
    """A dataset row as the question's table shows it: one "column: value" line per filled column."""
    if row is None:
        return ""
    return "\n".join(f"{pick(column, 'label')}: {row[column['field']]}" for column in question.columns
                     if row.get(column["field"]) not in (None, ""))


# Latin-script words, runs of white space, and single characters of any other script (Japanese has no
# spaces between words, so its changes are marked character by character).
DIFF_TOKENS = re.compile(r"[A-Za-z0-9]+|\s+|.", re.DOTALL)
# Matching is quadratic: past this many tokens between the shared beginning and end, the middle is shown
# changed as a whole.
DIFF_MAX_TOKENS = 1500


def text_diff(before: str, after: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """`before` and `after` as (text, changed) segments: what was taken out of `before` and what came
    into `after` are marked changed, the rest is shared."""
    a, b = DIFF_TOKENS.findall(before), DIFF_TOKENS.findall(after)
    start = end = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    if max(a_end, b_end) - start <= DIFF_MAX_TOKENS:
        middle = [(op, i1 + start, i2 + start, j1 + start, j2 + start) for op, i1, i2, j1, j2 in
                  SequenceMatcher(None, a[start:a_end], b[start:b_end], autojunk=False).get_opcodes()]
    else:
        middle = [("replace", start, a_end, start, b_end)]
    old, new = [], []
    for op, i1, i2, j1, j2 in [("equal", 0, start, 0, start), *middle, ("equal", a_end, len(a), b_end, len(b))]:
        if i1 < i2:
            old.append(("".join(a[i1:i2]), op != "equal"))
        if j1 < j2:
            new.append(("".join(b[j1:j2]), op != "equal"))
    return old, new


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


def answer_sheet(*, template: DMPTemplate, answers: dict, snapshot: dict, datasets: list[dict],
                 comments: dict | None = None) -> list[dict]:
    """The plan as a reader sees it: per section, each question with its shown answer, the dataset
    table for managed-data questions (`datasets` as the reader gets them), and the comments anchored to it."""
    comments = comments or {}
    shown_rows = managed_data_reads().labels(datasets)
    sheet = []
    for section in template_structure(template=template):
        items = []
        for question in section.questions.all():
            item = {"question": question, "comments": comments.get(question.key, [])}
            if question.type == QuestionType.MANAGED_DATA:
                item["columns"] = [{**c, "label": pick(c, "label")} for c in question.columns]
                item["rows"] = [{"pk": r["pk"], "url": r["url"], "edit_url": r["edit_url"],
                                 "cells": [{"field": c["field"], "value": r.get(c["field"]) or ""}
                                           for c in question.columns]}
                                for r in shown_rows]
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
        queryset=dmps.decidable_by(user).filter(status=DMPStatus.SUBMITTED).order_by("submitted_at", "pk"),
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

"""DMP test data, built through our services."""

import datetime

from dmp.models import QuestionType, TemplateQuestion
from dmp.services import dmp_create, dmp_save_answers, project_create
from dmp.validators import is_answered_by_project
from metadata.services import managed_data_create
from portal.models import Role, RoleAssignment
from tests.factories import FundingProgramFactory, InstitutionFactory, user_with_role

_grants = iter(range(10**6))


def make_dmp(*, pi=None, institution=None, program=None, members=(), template=None, department=None):
    """A project led by `pi` (a researcher at `institution`) with its draft DMP."""
    institution = institution or (pi.role_assignments.filter(role=Role.RESEARCHER).first().institution if pi
                                  else InstitutionFactory())
    if pi is None:
        pi = user_with_role(Role.RESEARCHER, institution=institution)
    elif not RoleAssignment.objects.filter(user=pi, role=Role.RESEARCHER, institution=institution).exists():
        RoleAssignment.objects.create(user=pi, role=Role.RESEARCHER, institution=institution)
    project = project_create(actor=pi, members=[{"user": m, "role": "co_investigator"} for m in members], data={
        "institution": institution, "department": department, "program": program or FundingProgramFactory(),
        "grant_number": f"JPTEST{next(_grants):06d}", "name_ja": "テスト課題", "name_en": "Test project",
        "research_field": "289", "start_date": datetime.date(2024, 4, 1), "end_date": datetime.date(2027, 3, 31),
    })
    return dmp_create(actor=pi, project=project, template=template)


def answer_for(question):
    if question.type in (QuestionType.CHOICE, QuestionType.MULTI_CHOICE):
        value = question.options[0]["value"]
        return [value] if question.type == QuestionType.MULTI_CHOICE else value
    return {QuestionType.DATE: "2024-04-01", QuestionType.YES_NO: "no", QuestionType.NUMBER: "1000"}.get(
        question.type, f"回答：{question.label_ja}")


def complete(dmp, *, with_data=True):
    """Answer every required question and register one managed-data draft."""
    questions = TemplateQuestion.objects.filter(section__template=dmp.template, required=True)
    dmp_save_answers(dmp_id=dmp.pk, actor=dmp.project.pi, answers={
        q.key: answer_for(q) for q in questions if not is_answered_by_project(q)})
    if with_data:
        managed_data_create(project=dmp.project, actor=dmp.project.pi, data={
            "data_no": "1", "title_ja": "テストデータ", "title_en": "Test data", "access_right": "open access",
            "license": "CCBY", "description_ja": "説明"})
    dmp.refresh_from_db()
    return dmp

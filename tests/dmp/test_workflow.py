import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dmp.models import DMP, DMPTemplate, DMPTransition, TemplateQuestion
from dmp.selectors import dmp_missing_answers, template_export, version_diff
from dmp.services import (
    dmp_approve,
    dmp_request_changes,
    dmp_save_answers,
    dmp_submit,
    dmp_transition,
    review_comment_add,
    review_comment_resolve,
    template_import,
    template_load_shipped,
    template_new_version,
)
from portal.models import Role
from portal.transitions import InvalidTransition
from tests.factories import FunderFactory, FundingProgramFactory, UserFactory, user_with_role

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db


def test_submission_lists_every_missing_required_answer(dmp):
    required = [q.label for q in dmp_missing_answers(dmp=dmp)]
    assert len(required) > 5
    with pytest.raises(ValidationError) as error:
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    messages = error.value.message_dict["answers"]
    assert len(messages) == len(required)
    assert all(label in " ".join(messages) for label in required)
    assert DMP.objects.get(pk=dmp.pk).status == "draft"


def test_submit_freezes_a_version_that_later_edits_do_not_change(dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="Add the retention period.")
    question = TemplateQuestion.objects.get(section__template=dmp.template, key="scope")
    dmp_save_answers(dmp_id=dmp.pk, actor=dmp.project.pi, answers={"scope": "新しい範囲"})
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    v1, v2 = dmp.versions.order_by("number")
    assert v1.answers["scope"] != "新しい範囲" and v2.answers["scope"] == "新しい範囲"
    assert len(v1.datasets) == 1 and v1.datasets[0]["title_ja"] == "テストデータ"
    changed = [row for row in version_diff(old=v1, new=v2, viewer=reviewer) if row["changed"]]
    assert [row["question"] for row in changed] == [question]


def test_full_review_cycle_is_recorded_and_notified(dmp, reviewer, mailoutbox, django_capture_on_commit_callbacks):
    complete(dmp)
    with django_capture_on_commit_callbacks(execute=True):
        dmp_submit(dmp_id=dmp.pk, actor=dmp.project.pi)
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    with django_capture_on_commit_callbacks(execute=True):
        dmp_approve(dmp_id=dmp.pk, actor=reviewer, message="OK")
    assert mailoutbox[-1].to == [dmp.project.pi.email]
    dmp.refresh_from_db()
    assert dmp.status == "approved" and dmp.approved_version.number == 1
    assert list(dmp.transitions.values_list("action", "from_status", "to_status")) == [
        ("submit", "draft", "submitted"), ("approve", "submitted", "approved")]


def test_revision_keeps_the_approved_version_in_force_until_approved(dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    dmp_transition(dmp_id=dmp.pk, action="revise", actor=dmp.project.pi)
    dmp.refresh_from_db()
    assert dmp.status == "draft" and dmp.in_revision and dmp.approved_version.number == 1
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp.refresh_from_db()
    assert dmp.approved_version.number == 1
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    dmp.refresh_from_db()
    assert dmp.approved_version.number == 2 and not dmp.in_revision


def test_illegal_transition_names_state_and_action(dmp, reviewer, settings):
    settings.LANGUAGE_CODE = "en"
    with pytest.raises(InvalidTransition) as error:
        dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    assert "Draft" in str(error.value) and "approved" in str(error.value)
    with pytest.raises(InvalidTransition):
        dmp_transition(dmp_id=dmp.pk, action="fly", actor=reviewer)
    assert not DMPTransition.objects.exists()


def test_researchers_cannot_review_and_other_institutions_reviewers_cannot_either(dmp):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    with pytest.raises(PermissionDenied):
        dmp_transition(dmp_id=dmp.pk, action="approve", actor=dmp.project.pi)
    with pytest.raises(PermissionDenied):
        dmp_transition(dmp_id=dmp.pk, action="approve", actor=user_with_role(Role.REVIEWER))


def test_request_changes_needs_a_message(dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    with pytest.raises(ValidationError) as error:
        dmp_request_changes(dmp_id=dmp.pk, actor=reviewer, message=" ")
    assert "message" in error.value.message_dict


def test_withdraw_from_submitted_and_nothing_after(dmp):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="withdraw", actor=dmp.project.pi)
    with pytest.raises(InvalidTransition):
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)


def test_comments_anchor_to_a_question_of_a_version_and_resolve(dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    version = dmp.versions.get()
    with pytest.raises(ValidationError):
        review_comment_add(version_id=version.pk, question_key="no-such-question", actor=reviewer, body="x")
    with pytest.raises(PermissionDenied):
        review_comment_add(version_id=version.pk, question_key="scope", actor=dmp.project.pi, body="x")
    comment = review_comment_add(version_id=version.pk, question_key="scope", actor=reviewer, body="具体的に")
    with pytest.raises(PermissionDenied):
        review_comment_resolve(comment_id=comment.pk, actor=UserFactory())
    assert review_comment_resolve(comment_id=comment.pk, actor=dmp.project.pi).resolved


def test_answers_are_checked_by_type_and_nothing_is_saved_on_error(dmp):
    with pytest.raises(ValidationError) as error:
        dmp_save_answers(dmp_id=dmp.pk, actor=dmp.project.pi, answers={
            "submission_date": "31/12/2024", "revision_type": "maybe", "cost": "many", "scope": "ok"})
    assert set(error.value.message_dict) == {"submission_date", "revision_type", "cost"}
    assert DMP.objects.get(pk=dmp.pk).answers == {}
    saved = dmp_save_answers(dmp_id=dmp.pk, actor=dmp.project.pi, answers={"submission_date": "2024/4/1"})
    assert saved.answers == {"submission_date": "2024-04-01"}


def test_only_editors_save_answers(dmp):
    viewer = UserFactory()
    dmp.project.members.create(user=viewer, role="contributor", can_edit=False)
    with pytest.raises(PermissionDenied):
        dmp_save_answers(dmp_id=dmp.pk, actor=viewer, answers={"scope": "x"})


def test_published_template_changes_only_by_a_new_version(templates):
    jsps = templates["jsps-kakenhi"]
    dmp = make_dmp(program=FundingProgramFactory(funder=jsps.funder))
    assert dmp.template == jsps
    new = template_new_version(template=jsps)
    assert (new.version, new.status) == (2, DMPTemplate.Status.DRAFT)
    assert template_export(template=new)["sections"] == template_export(template=jsps)["sections"]
    dmp.refresh_from_db()
    assert dmp.template == jsps


def test_template_json_round_trip_and_errors_by_path(templates):
    data = template_export(template=templates["amed"])
    data["key"] = "amed-copy"
    copy = template_import(data=data)
    assert template_export(template=copy)["sections"] == data["sections"]
    data["sections"][1]["questions"][0]["type"] = "colour"
    del data["sections"][0]["title_ja"]
    data["version"] = 7
    with pytest.raises(ValidationError) as error:
        template_import(data=data)
    assert set(error.value.message_dict) == {"$.sections[0].title_ja", "$.sections[1].questions[0].type"}


def test_template_follows_the_program_then_the_funder_then_generic(db):
    jst = FunderFactory(code="JST")
    goal2 = FundingProgramFactory(funder=jst, name_ja="ムーンショット型研究開発事業 目標2")
    kakenhi = FundingProgramFactory(funder=FunderFactory(code="JSPS"), name_ja="科学研究費助成事業 基盤研究(B)")
    template_load_shipped()
    assert make_dmp(program=goal2).template.key == "jst-moonshot-goal2"
    assert make_dmp(program=FundingProgramFactory(funder=jst)).template.key == "jst"
    assert make_dmp(program=kakenhi).template.key == "jsps-kakenhi"
    assert make_dmp(program=FundingProgramFactory(funder=kakenhi.funder)).template.key == "jsps-kakenhi"
    assert make_dmp(program=FundingProgramFactory(funder=FunderFactory())).template.key == "cao-generic"


def test_every_shipped_template_can_be_completed_and_submitted(templates, reviewer, institution):
    assert set(templates) == {"cao-generic", "jsps-kakenhi", "jst", "amed", "nedo", "meti", "jst-moonshot-goal2"}
    for template in templates.values():
        dmp = complete(make_dmp(institution=institution, template=template))
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
        assert dmp.versions.get().template == template

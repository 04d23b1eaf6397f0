"""PATCH /answers/ never answers 500, whatever the JSON (issue 13)."""

import pytest
from rest_framework.test import APIClient

from dmp.models import Project, QuestionType, TemplateQuestion
from portal.models import Notification

from .factories import complete

pytestmark = pytest.mark.django_db


def _patch(dmp, body, **kwargs):
    client = APIClient(headers={"accept-language": "en"})
    client.force_authenticate(dmp.project.pi)
    return client.patch(f"/api/v1/dmps/{dmp.pk}/answers/", body, **kwargs)


def _question(dmp, kind):
    return TemplateQuestion.objects.filter(section__template=dmp.template, type=kind, project_field="").first()


def test_a_dict_inside_a_multiple_choice_answer(dmp):
    question = _question(dmp, QuestionType.MULTI_CHOICE)
    response = _patch(dmp, {"answers": {question.key: [{"value": "x"}, ["y"]]}}, format="json")
    assert response.status_code == 400
    assert response.json()["answers"][question.key] == ["Choose from the list."]


@pytest.mark.parametrize("escape, named", [("\\u0000", "U+0000 (NUL)"), ("\\ud800", "U+D800"),
                                           ("\\u000b", "U+000B (VT)")])
def test_control_characters_and_lone_surrogates_in_a_text_answer(dmp, escape, named):
    question = _question(dmp, QuestionType.TEXT)
    body = '{"answers": {"KEY": "beforeESCAPEafter"}}'.replace("KEY", question.key).replace("ESCAPE", escape)
    response = _patch(dmp, body, content_type="application/json")
    assert response.status_code == 400
    assert named in response.json()["answers"][question.key][0]
    dmp.refresh_from_db()
    assert question.key not in dmp.answers


def test_a_lone_surrogate_in_a_question_key_is_echoed_safely(dmp):
    response = _patch(dmp, '{"answers": {"k\\ud800": "x"}}', content_type="application/json")
    assert response.status_code == 400 and "\\ud800" in response.content.decode()


def test_deeply_nested_answers(dmp):
    question = _question(dmp, QuestionType.TEXT)
    body = '{"answers": {"' + question.key + '": ' + "[" * 50_000 + '"x"' + "]" * 50_000 + "}}"
    response = _patch(dmp, body, content_type="application/json")
    assert response.status_code == 400


def test_comments_list_is_a_list(dmp):
    client = APIClient()
    client.force_authenticate(dmp.project.pi)
    response = client.get(f"/api/v1/dmps/{dmp.pk}/comments/")
    assert response.status_code == 200 and response.json() == []


def test_a_long_project_name_does_not_stop_submission(dmp, reviewer, django_capture_on_commit_callbacks):
    Project.objects.filter(pk=dmp.project_id).update(name_ja="長い課題名" * 58)  # 290 characters
    complete(dmp)
    client = APIClient()
    client.force_authenticate(dmp.project.pi)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/dmps/{dmp.pk}/submit/")
    assert response.status_code == 200 and response.json()["status"] == "submitted"
    assert len(Notification.objects.get(user=reviewer).subject) <= 200

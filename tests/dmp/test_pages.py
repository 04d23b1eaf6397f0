import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from dmp.models import DMP
from dmp.services import dmp_transition, review_comment_add
from policy.models import FundingProgram
from tests.factories import FundingProgramFactory, UserFactory

from .factories import complete

pytestmark = pytest.mark.django_db


def test_researcher_creates_project_and_dmp_with_contributors(client, templates, researcher, institution):
    colleague = UserFactory(email="colleague@example.ac.jp")
    program = FundingProgramFactory(funder=templates["jsps-kakenhi"].funder)
    client.force_login(researcher)
    response = client.post(reverse("dmp:dmp-create"), {
        "project-institution": institution.pk, "project-grant_number": "ＪＰ２４Ｋ００００１",
        "project-name_ja": "新課題",
        "project-name_en": "", "project-program": program.pk, "project-research_field": "900",
        "project-start_date": "2024-04-01", "project-end_date": "2026-03-31",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0",
        "members-0-email": "colleague@example.ac.jp", "members-0-role": "co_investigator", "members-0-can_edit": "on",
        "members-1-email": "", "members-1-role": "co_investigator",
    })
    dmp = DMP.objects.get(project__grant_number="JP24K00001")
    assert response.status_code == 302 and response.url == reverse("dmp:dmp-edit", args=[dmp.pk, 1])
    assert dmp.project.pi == researcher and dmp.template.key == "jsps-kakenhi"
    assert list(dmp.project.members.values_list("user", "can_edit")) == [(colleague.pk, True)]


def test_create_form_shows_field_errors_and_keeps_input(client, templates, researcher, institution):
    client.force_login(researcher)
    response = client.post(reverse("dmp:dmp-create"), {
        "project-institution": institution.pk, "project-grant_number": "24K00001", "project-name_ja": "残る名前",
        "project-program": FundingProgramFactory().pk, "project-research_field": "900",
        "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0", "members-0-email": "nobody@example.org",
        "members-0-role": "co_investigator",
    })
    html = response.content.decode()
    assert response.status_code == 200 and "残る名前" in html
    assert "JPMJPF2101" in html and "nobody@example.org" in html
    assert not DMP.objects.exists()


def test_section_save_keeps_other_sections_and_reports_bad_input(client, dmp):
    client.force_login(dmp.project.pi)
    url = reverse("dmp:dmp-edit", args=[dmp.pk, 5])
    assert client.post(url, {"scope": "範囲です", "manager": "私", "cost": "1200"}).status_code == 302
    url1 = reverse("dmp:dmp-edit", args=[dmp.pk, 1])
    response = client.post(url1, {"submission_date": "2024-13-45", "revision_type": "new"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2024-13-45" in html and "YYYY-MM-DD" in html
    dmp.refresh_from_db()
    assert (dmp.answers["scope"], dmp.answers["manager"], dmp.answers["cost"]) == ("範囲です", "私", "1200")
    assert "submission_date" not in dmp.answers and "revision_type" not in dmp.answers


def test_editor_shows_guidance_comments_and_dataset_rows(client, dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    review_comment_add(version_id=dmp.versions.get().pk, question_key="scope", actor=reviewer, body="範囲を具体的に")
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="直してください")
    client.force_login(dmp.project.pi)
    html = client.get(reverse("dmp:dmp-edit", args=[dmp.pk, 5])).content.decode()
    scope = html[html.index('id="q-scope"'):html.index('id="q-manager"')]
    assert "範囲を具体的に" in scope and "research data are managed data" in scope
    data = client.get(reverse("dmp:dmp-edit", args=[dmp.pk, 4])).content.decode()
    record = dmp.project.managed_data.get()
    assert "Test data" in data and f"/data/{record.pk}/edit/" in data  # a draft: its metadata can be edited
    assert f"/data/new/?project={dmp.project.pk}" in data
    assert 'src="/static/js/dmp-editor.js"' in data and "data-warn-unsaved" in data and "<script>" not in data


def test_submit_from_the_page_lists_missing_answers(client, dmp):
    client.force_login(dmp.project.pi)
    response = client.post(reverse("dmp:dmp-transition", args=[dmp.pk]), {"action": "submit"})
    assert response.status_code == 400
    assert response.content.decode().count("Required answer missing") > 5


def test_illegal_transition_is_a_clear_error_not_a_500(client, dmp, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("dmp:dmp-transition", args=[dmp.pk]), {"action": "approve"})
    assert response.status_code == 400 and "cannot be approved" in response.content.decode()


@pytest.mark.parametrize("language,expected", [
    ("ja", ["データマネジメントプラン", "管理対象データの範囲", "承認", "テストデータ", "バージョン 1"]),
    ("en", ["Data management plan", "Scope of the managed data", "Approved", "Test data", "Version 1"]),
])
def test_pdf_in_both_languages_has_extractable_text_and_stamp(client, dmp, reviewer, language, expected):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
    client.force_login(dmp.project.pi)
    response = client.get(reverse("dmp:dmp-pdf", args=[dmp.pk]), {"lang": language})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for phrase in [*expected, dmp.project.grant_number]:
        assert phrase in text.replace("\n", ""), phrase


def test_api_transitions_and_field_errors(client, dmp, reviewer):
    client.force_login(dmp.project.pi)
    url = reverse("dmp:dmp-api-answers", args=[dmp.pk])
    bad = client.patch(url, {"answers": {"submission_date": "soon"}}, content_type="application/json")
    assert bad.status_code == 400 and "submission_date" in bad.json()["answers"]
    response = client.post(reverse("dmp:dmp-api-submit", args=[dmp.pk]))
    assert response.status_code == 400 and len(response.json()["answers"]) > 5
    complete(dmp)
    assert client.post(reverse("dmp:dmp-api-submit", args=[dmp.pk])).json()["status"] == "submitted"
    again = client.post(reverse("dmp:dmp-api-submit", args=[dmp.pk]))
    assert again.status_code == 400 and "status" in again.json()
    client.force_login(reviewer)
    comment = client.post(reverse("dmp:dmp-api-comments", args=[dmp.pk]),
                          {"version": 1, "question_key": "scope", "body": "?"}, content_type="application/json")
    assert comment.status_code == 201
    listed = client.get(reverse("dmp:dmp-api-list"), {"status": "submitted"}).json()
    assert [d["id"] for d in listed["results"]] == [dmp.pk]
    approved = client.post(reverse("dmp:dmp-api-approve", args=[dmp.pk]), {"message": "ok"},
                           content_type="application/json")
    assert approved.json()["approved_version"] == 1


def test_reviewer_queue_filters(client, templates, reviewer, institution):
    program = FundingProgram.objects.create(funder=templates["jst"].funder, name_ja="別事業")
    from .factories import make_dmp

    waiting = complete(make_dmp(institution=institution, program=program))
    dmp_transition(dmp_id=waiting.pk, action="submit", actor=waiting.project.pi)
    other = make_dmp(institution=institution)
    client.force_login(reviewer)
    url = reverse("dmp:dmp-review-queue")
    # By default the queue shows what needs a decision; "all states" shows the draft too.
    assert [d.pk for d in client.get(url).context["page"]] == [waiting.pk]
    assert {d.pk for d in client.get(url, {"status": ""}).context["page"]} == {waiting.pk, other.pk}
    assert [d.pk for d in client.get(url, {"program": program.pk}).context["page"]] == [waiting.pk]
    assert [d.pk for d in client.get(url, {"waiting_days": 0}).context["page"]] == [waiting.pk]
    assert list(client.get(url, {"waiting_days": 3}).context["page"]) == []


def test_researcher_resolves_a_comment_from_the_editor(client, dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    comment = review_comment_add(version_id=dmp.versions.get().pk, question_key="scope", actor=reviewer, body="?")
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="直してください")
    client.force_login(dmp.project.pi)
    url = reverse("dmp:dmp-edit", args=[dmp.pk, 5])
    html = client.get(url).content.decode()
    main_form_end = html.index("</form>", html.index("data-warn-unsaved"))
    assert html.index(f'<form id="resolve-{comment.pk}"') > main_form_end  # never nested in the editor's form
    response = client.post(reverse("dmp:dmp-comment-resolve", args=[comment.pk]), {"next": url})
    assert response.status_code == 302 and response.url == url
    comment.refresh_from_db()
    assert comment.resolved_by == dmp.project.pi


def test_editors_change_project_and_contributors_while_the_dmp_is_editable(client, dmp, reviewer):
    steward = UserFactory(email="steward@example.ac.jp")
    client.force_login(dmp.project.pi)
    url = reverse("dmp:dmp-project-edit", args=[dmp.pk])
    form = {"project-grant_number": dmp.project.grant_number, "project-name_ja": "改めた名前",
            "project-program": dmp.project.program_id, "project-research_field": "289",
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
            "members-0-email": "steward@example.ac.jp", "members-0-role": "data_steward"}
    assert client.post(url, form).status_code == 302
    dmp.project.refresh_from_db()
    assert dmp.project.name_ja == "改めた名前" and dmp.project.pi != steward
    assert list(dmp.project.members.values_list("user", "role", "can_edit")) == [(steward.pk, "data_steward", False)]
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    assert client.post(url, {**form, "project-name_ja": "提出後の名前"}).status_code == 302
    dmp.project.refresh_from_db()
    assert dmp.project.name_ja == "改めた名前"  # submitted: the project block is frozen with the answers
    client.force_login(steward)
    assert client.get(url).status_code == 302  # a member who may not edit is sent back


def test_resolve_never_redirects_off_site(client, dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    comment = review_comment_add(version_id=dmp.versions.get().pk, question_key="scope", actor=reviewer, body="?")
    client.force_login(reviewer)
    response = client.post(reverse("dmp:dmp-comment-resolve", args=[comment.pk]), {"next": "//evil.example/"})
    assert response.url == dmp.get_absolute_url()


def test_user_without_a_researcher_role_is_told_why_they_cannot_create(client, templates):
    client.force_login(UserFactory())
    response = client.post(reverse("dmp:dmp-create"), {
        "project-grant_number": "JP1", "project-name_ja": "x", "project-program": FundingProgramFactory().pk,
        "project-research_field": "900", "members-TOTAL_FORMS": "0", "members-INITIAL_FORMS": "0"})
    assert "researcher role" in response.content.decode() and not DMP.objects.exists()


def test_the_program_select_groups_programs_by_funder(client, templates, researcher):
    from tests.factories import FunderFactory, FundingProgramFactory

    jst, amed = FunderFactory(code="JSTX", name_en="JST X"), FunderFactory(code="AMEDX", name_en="AMED X")
    FundingProgramFactory(funder=jst, name_ja="戦略的創造研究推進事業", name_en="Strategic Basic Research")
    FundingProgramFactory(funder=amed, name_ja="革新的医療技術創出拠点", name_en="Translational Research")
    client.force_login(researcher)
    page = client.get(reverse("dmp:dmp-create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<optgroup label="JST X">' in page and '<optgroup label="AMED X">' in page
    assert page.index('<optgroup label="AMED X">') < page.index("Translational Research") < page.index(
        '<optgroup label="JST X">') < page.index("Strategic Basic Research")
    assert "data-searchable=" in page


def test_submit_and_approve_go_through_a_confirmation_page_that_works_without_javascript(client, dmp, reviewer,
                                                                                        mailoutbox):
    complete(dmp)
    url = reverse("dmp:dmp-transition", args=[dmp.pk])
    client.force_login(dmp.project.pi)
    detail = client.get(dmp.get_absolute_url(), headers={"accept-language": "en"}).content.decode()
    assert f'<form method="get" action="{url}" class="action-form action-submit">' in detail
    page = client.get(url, {"action": "submit"}).content.decode()
    assert "Submit this DMP for review?" in page and "You cannot edit the plan until" in page and "data-confirm" in page
    assert f'<form method="post" action="{url}"' in page and 'name="action" value="submit"' in page
    dmp.refresh_from_db()
    assert dmp.status == "draft" and not dmp.versions.exists()  # looking at the step changes nothing
    assert client.post(url, {"action": "submit"}).status_code == 302
    dmp.refresh_from_db()
    assert dmp.status == "submitted"

    client.force_login(reviewer)
    page = client.get(url, {"action": "approve"}, headers={"accept-language": "en"}).content.decode()
    assert "Approve this DMP?" in page and "becomes the approved plan in force" in page
    assert 'name="message"' in page
    assert client.post(url, {"action": "approve", "message": "Fine."}).status_code == 302
    dmp.refresh_from_db()
    assert dmp.status == "approved" and dmp.transitions.last().message == "Fine."


def test_confirmation_step_refuses_what_the_user_may_not_do_and_lists_missing_answers(client, dmp, reviewer):
    url = reverse("dmp:dmp-transition", args=[dmp.pk])
    client.force_login(dmp.project.pi)
    page = client.get(url, {"action": "submit"}, headers={"accept-language": "en"}).content.decode()
    assert "Answer these required questions before submitting:" in page and "data-confirm" not in page
    assert client.get(url, {"action": "approve"}).status_code == 302  # a researcher does not approve
    assert client.get(url, {"action": "explode"}).status_code == 404
    assert client.get(url).status_code == 404


def test_reviewer_comments_beside_a_question_on_the_dmp_page(client, dmp, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    client.force_login(dmp.project.pi)
    assert "data-question-comment" not in client.get(dmp.get_absolute_url()).content.decode()
    client.force_login(reviewer)
    html = client.get(dmp.get_absolute_url()).content.decode()
    scope = html[html.index('id="q-scope"'):html.index('id="q-manager"')]
    assert 'data-question-comment="scope"' in scope and '<button type="submit">Comment</button>' in scope
    url = reverse("dmp:dmp-comment", args=[dmp.pk])
    response = client.post(url, {"question_key": "scope", "body": "範囲を具体的に"})
    assert response.status_code == 302 and response.url == f"{dmp.get_absolute_url()}#q-scope"
    comment = dmp.versions.get().comments.get()
    assert (comment.question_key, comment.author, comment.body) == ("scope", reviewer, "範囲を具体的に")
    html = client.get(dmp.get_absolute_url()).content.decode()
    assert "範囲を具体的に" in html[html.index('id="q-scope"'):html.index('id="q-manager"')]
    response = client.post(url, {"question_key": "scope", "body": "  "}, headers={"accept-language": "en"})
    html = response.content.decode()
    assert response.status_code == 400 and 'href="#comment-scope-body"' in html
    assert 'id="comment-scope-body"' in html and dmp.versions.get().comments.count() == 1


def test_project_form_summary_links_the_date_order_and_member_errors_to_their_fields(client, templates, researcher,
                                                                                     institution):
    client.force_login(researcher)
    response = client.post(reverse("dmp:dmp-create"), {
        "project-institution": institution.pk, "project-grant_number": "JP24K00002", "project-name_ja": "課題",
        "project-program": FundingProgramFactory().pk, "project-research_field": "900",
        "project-start_date": "2026-04-01", "project-end_date": "2025-03-31",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-0-email": "",
        "members-0-role": "co_investigator", "members-1-email": "nobody@example.org",
        "members-1-role": "co_investigator",
    }, headers={"accept-language": "en"})
    html = response.content.decode()
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert '<a href="#id_project-end_date">End date: The end date must not be before the start date.</a>' in summary
    assert '<a href="#id_members-1-email">Contributor 2 · E-mail address: No portal user' in summary
    field = html[html.index('id="id_project-end_date"'):]
    assert field.index("The end date must not be before the start date.") < field.index("</div>")
    assert not DMP.objects.exists()

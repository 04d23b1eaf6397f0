"""Notification e-mails say who did what to which plan or record, quote the comment, say what to do next and
give the one link that acts on it, in the recipient's preferred language."""

import pytest
from django.conf import settings
from django.urls import reverse

from dmp.models import ProjectMember
from dmp.services import dmp_transition
from metadata.services import managed_data_transition
from portal.models import Notification, Role
from tests.factories import make_record, user_with_role

from .factories import complete

pytestmark = pytest.mark.django_db


def mail_to(mailoutbox, user):
    (mail,) = [m for m in mailoutbox if m.to == [user.email]]
    assert "\n" not in mail.subject
    return mail


def test_a_submitted_dmp_tells_each_reviewer_who_which_project_and_where_to_review_in_their_language(
        mailoutbox, django_capture_on_commit_callbacks, dmp, researcher, institution):
    reviewer_ja = user_with_role(Role.REVIEWER, institution=institution, preferred_language="ja")
    reviewer_en = user_with_role(Role.REVIEWER, institution=institution, preferred_language="en")
    complete(dmp)
    with django_capture_on_commit_callbacks(execute=True):
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    review_link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{dmp.get_absolute_url()}"

    ja = mail_to(mailoutbox, reviewer_ja)
    assert researcher.name_ja in ja.subject and "テスト課題" in ja.subject
    assert researcher.name_ja in ja.body and dmp.project.grant_number in ja.body and "テスト課題" in ja.body
    assert "承認するか修正を依頼してください" in ja.body and review_link in ja.body
    assert "submitted" not in ja.body

    en = mail_to(mailoutbox, reviewer_en)
    assert researcher.name_en in en.subject and "Test project" in en.subject
    assert researcher.name_en in en.body and "Test project" in en.body
    assert "approve it or request changes" in en.body and review_link in en.body
    # the in-app notification says the same
    note = Notification.objects.get(user=reviewer_en)
    assert researcher.name_en in note.body and note.link == dmp.get_absolute_url()


def test_a_reviewer_who_is_a_member_of_the_plan_is_not_asked_to_review_it(
        mailoutbox, django_capture_on_commit_callbacks, dmp, researcher, institution):
    member_reviewer = user_with_role(Role.REVIEWER, institution=institution)
    ProjectMember.objects.create(project=dmp.project, user=member_reviewer)
    other_reviewer = user_with_role(Role.REVIEWER, institution=institution)
    complete(dmp)
    with django_capture_on_commit_callbacks(execute=True):
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    assert [m.to for m in mailoutbox] == [[other_reviewer.email]]


def test_requested_changes_reach_the_researcher_with_the_comment_and_the_next_step(
        mailoutbox, django_capture_on_commit_callbacks, dmp, researcher, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    researcher.preferred_language = "ja"
    researcher.save()
    with django_capture_on_commit_callbacks(execute=True):
        dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="保存期間を書いてください")
    mail = mail_to(mailoutbox, researcher)
    assert reviewer.name_ja in mail.body and "保存期間を書いてください" in mail.body
    assert "もう一度提出してください" in mail.body and "修正依頼" in mail.subject


def test_a_returned_record_tells_the_researcher_the_comment_and_links_to_its_edit_form(
        mailoutbox, django_capture_on_commit_callbacks):
    record = make_record(status="submitted")
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        managed_data_transition(record_id=record.pk, action="return", actor=librarian,
                                message="Give the ORCID iD of the second creator.")
    mail = mail_to(mailoutbox, record.created_by)
    edit = reverse("metadata:managed-data-edit", args=[record.pk])
    assert record.title_en in mail.subject and "returned" in mail.subject
    assert librarian.name_en in mail.body and "Give the ORCID iD of the second creator." in mail.body
    assert "Correct the record as the comment asks" in mail.body
    assert f"{settings.PORTAL_BASE_URL.rstrip('/')}{edit}" in mail.body
    assert Notification.objects.get(user=record.created_by, subject=mail.subject).link == edit


def test_a_submitted_record_asks_the_librarians_for_curation_in_japanese(
        mailoutbox, django_capture_on_commit_callbacks):
    record = make_record()
    librarian = user_with_role(Role.LIBRARIAN, institution=record.institution, preferred_language="ja")
    with django_capture_on_commit_callbacks(execute=True):
        managed_data_transition(record_id=record.pk, action="submit", actor=record.created_by)
    mail = mail_to(mailoutbox, librarian)
    assert record.title_ja in mail.body and record.created_by.name_ja in mail.body
    assert "公開するか研究者に差し戻してください" in mail.body and "キュレーション依頼" in mail.subject

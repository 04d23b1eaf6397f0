"""The signed-in home page shows each person the work waiting for them, across their roles, with counts;
notifications are an in-app list with an unread count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dmp.services import dmp_transition
from portal.models import Notification, Role
from tests.factories import make_record, user_with_role

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db


def inbox(client, user):
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["inbox"]}, response.content.decode()


def test_each_role_sees_what_waits_for_it_before_and_after_each_step(client, dmp, researcher, reviewer, institution):
    sections, page = inbox(client, researcher)
    assert sections["dmp-drafts"].count == 1 and "dmp-review" not in sections
    assert str(dmp) in page

    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    sections, page = inbox(client, reviewer)
    assert sections["dmp-review"].count == 1 and sections["dmp-review"].items[0].url == dmp.get_absolute_url()
    assert str(dmp) in page
    assert "dmp-drafts" not in inbox(client, researcher)[0]

    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="保存期間を書いてください")
    assert "dmp-review" not in inbox(client, reviewer)[0]
    sections, page = inbox(client, researcher)
    assert sections["dmp-returned"].count == 1 and "保存期間を書いてください" in page

    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    record = make_record(project=dmp.project, status="submitted")
    sections, page = inbox(client, librarian)
    assert sections["curation"].count == 1 and record.title in page
    make_record(project=dmp.project, status="returned", librarian=librarian, data_no="2")
    sections, page = inbox(client, researcher)
    assert sections["records-returned"].count == 1 and "Please fix." in page
    assert inbox(client, librarian)[0]["curation"].count == 1


def test_an_outsider_has_nothing_waiting(client, dmp):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    sections, page = inbox(client, user_with_role(Role.REVIEWER))  # a reviewer at another institution
    assert sections == {} and str(dmp) not in page


def test_the_inbox_costs_the_same_queries_for_two_or_eight_waiting_dmps(client, templates, institution, reviewer):
    def grow(n):
        for _ in range(n):
            waiting = complete(make_dmp(institution=institution))
            dmp_transition(dmp_id=waiting.pk, action="submit", actor=waiting.project.pi)

    def count():
        with CaptureQueriesContext(connection) as queries:
            sections, _ = inbox(client, reviewer)
        return sections["dmp-review"].count, len(queries)

    grow(2)
    count()  # the first request warms Django's caches
    two, few = count()
    grow(6)
    eight, many = count()
    assert (two, eight) == (2, 8) and few == many, (few, many)


def test_notifications_are_listed_with_an_unread_count_and_marked_read(client, dmp, researcher, reviewer):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=researcher)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="直してください")
    unread = Notification.objects.filter(user=researcher, read_at=None)
    assert unread.exists()
    client.force_login(researcher)
    listing = client.get(reverse("portal:notifications")).content.decode()
    note = unread.first()
    assert note.subject in listing and 'class="badge"' in listing

    response = client.get(reverse("portal:notification-open", args=[note.pk]))
    assert response.status_code == 302 and response.url == note.link
    note.refresh_from_db()
    assert note.read_at is not None

    client.post(reverse("portal:notifications-read"))
    assert not unread.exists()
    other = user_with_role(Role.RESEARCHER)
    client.force_login(other)
    assert client.get(reverse("portal:notification-open", args=[note.pk])).status_code == 404


def test_only_reviewers_are_offered_the_review_queue(client, dmp, researcher, reviewer):
    queue = reverse("dmp:dmp-review-queue")
    client.force_login(researcher)
    assert queue not in client.get(reverse("dmp:dmp-list")).content.decode()
    client.force_login(reviewer)
    assert queue in client.get(reverse("dmp:dmp-list")).content.decode()

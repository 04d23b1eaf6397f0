"""Queues respect the separation of duties: a reviewer's review queue and inbox leave out the plans they are
PI or member of; a librarian's curation queue, bulk form and inbox leave out the records they are one of the
people of. Operators still see everything."""

import pytest
from django.urls import reverse

from dmp.models import ProjectMember
from dmp.services import dmp_transition
from portal.models import Role
from tests.factories import ProjectFactory, UserFactory, make_record, user_with_role

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db


def home_sections(client, user):
    client.force_login(user)
    return {s.key: s.count for s in client.get(reverse("portal:home")).context["inbox"]}


def test_a_reviewer_does_not_queue_a_plan_they_are_a_member_of(client, templates, institution, reviewer):
    own = complete(make_dmp(institution=institution, members=[reviewer]))
    other = complete(make_dmp(institution=institution))
    for dmp in (own, other):
        dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)

    assert home_sections(client, reviewer)["dmp-review"] == 1
    queue = client.get(reverse("dmp:dmp-review-queue")).content.decode()
    assert other.get_absolute_url() in queue and own.get_absolute_url() not in queue

    operator = UserFactory(is_superuser=True, is_staff=True)
    ProjectMember.objects.create(project=other.project, user=operator)
    client.force_login(operator)
    queue = client.get(reverse("dmp:dmp-review-queue")).content.decode()
    assert other.get_absolute_url() in queue and own.get_absolute_url() in queue


def test_a_librarian_does_not_queue_or_bulk_curate_a_record_they_are_one_of_the_people_of(client, institution):
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    own = make_record(status="submitted", people=[
        {"kind": "creator", "name_en": "Lib Rarian", "user": librarian},
        {"kind": "data_manager", "name_en": "Lib Rarian", "user": librarian}],
                      project=ProjectFactory(institution=institution))
    other = make_record(status="submitted", project=ProjectFactory(institution=institution))

    assert home_sections(client, librarian)["curation"] == 1
    queue = client.get(reverse("metadata:curation-queue")).content.decode()
    assert other.get_absolute_url() in queue and own.get_absolute_url() not in queue
    assert f'value="{own.pk}"' not in queue

    response = client.post(reverse("metadata:curation-bulk"), {
        "action": "publish", "records": [own.pk, other.pk], "message": ""})
    own.refresh_from_db()
    other.refresh_from_db()
    assert own.status == "submitted" and other.status == "submitted"  # the whole selection is refused
    assert response.status_code == 302

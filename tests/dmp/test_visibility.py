"""Acceptance 4: a researcher who is not a contributor, and any anonymous client, get 404 for another
project's DMP on every surface (page, API, PDF, maDMP)."""

import pytest
from django.urls import reverse

from dmp.services import dmp_transition
from portal.models import Role
from tests.factories import UserFactory, user_with_role

from .factories import complete

pytestmark = pytest.mark.django_db

SURFACES = [
    lambda dmp: reverse("dmp:dmp-detail", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-edit", args=[dmp.pk, 1]),
    lambda dmp: reverse("dmp:dmp-diff", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-version", args=[dmp.pk, 1]),
    lambda dmp: reverse("dmp:dmp-pdf", args=[dmp.pk]) + "?lang=ja",
    lambda dmp: reverse("dmp:dmp-api-detail", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-api-comments", args=[dmp.pk]),
    lambda dmp: reverse("madmp:madmp-export", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-transition", args=[dmp.pk]) + "?action=withdraw",  # a confirmation step
]
POSTS = [
    lambda dmp: reverse("dmp:dmp-transition", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-comment-add", args=[dmp.pk, 1]),
    lambda dmp: reverse("dmp:dmp-comment", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-project-edit", args=[dmp.pk]),
    lambda dmp: reverse("dmp:dmp-api-submit", args=[dmp.pk]),
]


@pytest.mark.parametrize("who", ["other_researcher", "same_institution_researcher", "anonymous"])
@pytest.mark.parametrize("surface", range(len(SURFACES)))
def test_outsiders_get_404_on_every_surface(client, dmp, institution, who, surface):
    complete(dmp)
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    if who == "other_researcher":
        client.force_login(user_with_role(Role.RESEARCHER))
    elif who == "same_institution_researcher":
        client.force_login(user_with_role(Role.RESEARCHER, institution=institution))
    response = client.get(SURFACES[surface](dmp))
    assert response.status_code == 404


@pytest.mark.parametrize("surface", range(len(POSTS)))
@pytest.mark.parametrize("anonymous", [True, False])
def test_outsiders_cannot_act_either(client, dmp, surface, anonymous):
    if not anonymous:
        client.force_login(UserFactory())
    assert client.post(POSTS[surface](dmp), {"action": "submit"}).status_code == 404


def test_anonymous_api_list_is_empty(client, dmp):
    assert client.get(reverse("dmp:dmp-api-list")).json()["results"] == []


@pytest.mark.parametrize("role", ["pi", "member", "reviewer", "institution_admin", "funder_officer"])
def test_people_of_the_visibility_rule_read_the_dmp(client, dmp, institution, role):
    if role == "pi":
        user = dmp.project.pi
    elif role == "member":
        user = UserFactory()
        dmp.project.members.create(user=user, can_edit=False)
    elif role == "funder_officer":
        user = user_with_role(Role.FUNDER_OFFICER, funder=dmp.project.program.funder)
    else:
        user = user_with_role(role, institution=institution)
    client.force_login(user)
    for url in (SURFACES[0](dmp), SURFACES[5](dmp), SURFACES[7](dmp)):
        assert client.get(url).status_code == 200, url


def test_funder_officer_of_another_funder_gets_404(client, dmp):
    client.force_login(user_with_role(Role.FUNDER_OFFICER))
    assert client.get(SURFACES[0](dmp)).status_code == 404

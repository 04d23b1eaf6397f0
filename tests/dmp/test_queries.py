"""Acceptance 5: the DMP list, the reviewers' queue and the API list keep a constant query count as the
number of DMPs grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dmp.services import dmp_transition
from tests.factories import FundingProgramFactory

from .factories import complete, make_dmp

pytestmark = pytest.mark.django_db

# The queue with every state (`?status=`), so that it has more than a page of rows too.
URLS = [reverse("dmp:dmp-list"), reverse("dmp:dmp-review-queue") + "?status=", reverse("dmp:dmp-api-list")]


def _grow(n, institution, reviewer, department=None):
    program = FundingProgramFactory()
    for i in range(n):
        dmp = make_dmp(institution=institution, program=program, department=department)
        if i % 2:
            complete(dmp)
            dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
            if i % 4 == 1:
                dmp_transition(dmp_id=dmp.pk, action="approve", actor=reviewer)
                dmp_transition(dmp_id=dmp.pk, action="revise", actor=dmp.project.pi)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_number_of_dmps(client, templates, institution, reviewer, url,
                                                           django_assert_num_queries):
    client.force_login(reviewer)
    _grow(3, institution, reviewer)
    small = _count(client, url)
    _grow(27, institution, reviewer)
    with django_assert_num_queries(small):
        response = client.get(url)
    rows = response.json()["results"] if "api" in url else response.context["page"]
    assert len(rows) == 25 if "api" not in url else len(rows) == 30

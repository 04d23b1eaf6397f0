"""Acceptance 2: two reviewers act on the same submission at once, each on its own PostgreSQL
connection. One transition wins; the other gets a clear message; the history shows exactly one."""

import threading

import pytest
from django.db import connection

from dmp.models import DMP, DMPTransition
from dmp.services import dmp_transition, template_load_shipped
from portal.models import Role
from portal.transitions import InvalidTransition
from tests.factories import InstitutionFactory, user_with_role

from .factories import complete, make_dmp

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("actions", [("approve", "request_changes"), ("approve", "approve")])
def test_two_reviewers_at_once_one_wins(actions, settings):
    settings.LANGUAGE_CODE = "en"
    template_load_shipped()
    institution = InstitutionFactory()
    dmp = complete(make_dmp(institution=institution))
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=dmp.project.pi)
    reviewers = [user_with_role(Role.REVIEWER, institution=institution) for _ in actions]
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def act(index):
        try:
            barrier.wait()
            dmp_transition(dmp_id=dmp.pk, action=actions[index], actor=reviewers[index], message="同時に操作")
            outcomes[index] = "ok"
        except InvalidTransition as error:
            outcomes[index] = str(error)
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=act, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes, key=lambda o: o != "ok")[0] == "ok"
    loser = next(o for o in outcomes if o != "ok")
    assert "This DMP is now" in loser and "it cannot be" in loser
    decisions = DMPTransition.objects.filter(dmp=dmp).exclude(action="submit")
    assert decisions.count() == 1
    winner = actions[outcomes.index("ok")]
    assert decisions.get().action == winner
    assert DMP.objects.get(pk=dmp.pk).status == ("approved" if winner == "approve" else "changes_requested")

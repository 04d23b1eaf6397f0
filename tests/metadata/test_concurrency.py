import threading

import pytest
from django.db import connection, connections, transaction

from metadata.models import CurationEvent, ManagedData
from metadata.services import managed_data_transition
from portal.models import Role
from portal.transitions import InvalidTransition
from tests.factories import make_record, user_with_role


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_librarians_publish_and_return_at_once_one_wins():
    record = make_record(status="submitted")
    alice = user_with_role(Role.LIBRARIAN, institution=record.institution)
    bob = user_with_role(Role.LIBRARIAN, institution=record.institution)
    outcomes = {}
    start = threading.Barrier(2)

    def act(name, actor, action, message):
        try:
            start.wait()
            managed_data_transition(record_id=record.pk, action=action, actor=actor, message=message)
            outcomes[name] = "done"
        except InvalidTransition as error:
            outcomes[name] = str(error)
        finally:
            connections.close_all()

    # Hold the row lock from a third connection so that both librarians queue on it, then let go.
    with transaction.atomic():
        ManagedData.objects.select_for_update().get(pk=record.pk)
        threads = [threading.Thread(target=act, args=("alice", alice, "publish", "")),
                   threading.Thread(target=act, args=("bob", bob, "return", "Please add a description."))]
        for t in threads:
            t.start()
        with connection.cursor() as cursor:  # wait until both are blocked on the lock
            for _ in range(100):
                cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")
                if cursor.fetchone()[0] >= 1:
                    break
                threading.Event().wait(0.05)
    for t in threads:
        t.join(timeout=30)

    assert sorted(outcomes) == ["alice", "bob"]
    winners = [name for name, outcome in outcomes.items() if outcome == "done"]
    assert len(winners) == 1
    loser = "bob" if winners == ["alice"] else "alice"
    assert "so you cannot" in outcomes[loser] or "できません" in outcomes[loser]
    events = CurationEvent.objects.filter(record=record, from_status="submitted")
    assert events.count() == 1
    record.refresh_from_db()
    assert record.status == events.get().to_status

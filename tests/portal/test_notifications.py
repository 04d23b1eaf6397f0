import pytest
from django.db import transaction

from portal.models import Notification
from portal.services import notification_send
from tests.conftest import wait_for
from tests.factories import UserFactory


@pytest.mark.django_db
def test_notification_is_emailed_once_committed(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_send(user=user, subject="DMP approved", body="Your DMP was approved.", link="/dmp/1/")
    assert [m.to for m in mailoutbox] == [[user.email]]
    assert "/dmp/1/" in mailoutbox[0].body
    note.refresh_from_db()
    assert note.emailed_at is not None


@pytest.mark.celery_worker
def test_real_worker_on_redis_emails_the_notification(celery_worker):
    user = UserFactory()
    with transaction.atomic():
        note = notification_send(user=user, subject="Deposit finished", body="Your record has a DOI.")
    wait_for(
        lambda: Notification.objects.filter(pk=note.pk, emailed_at__isnull=False).exists(),
        timeout=60,
        message="the worker to e-mail the notification",
    )
    sent = "".join(p.read_text() for p in celery_worker["mail_dir"].glob("*.log"))
    assert "Deposit finished" in sent and user.email in sent

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email(notification_id: int) -> None:
    """E-mail a notification once; a redelivered task finds it already sent and does nothing."""
    note = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at=None).first()
    if note is None:
        return
    link = f"{settings.PORTAL_BASE_URL.rstrip('/')}{note.link}" if note.link else ""
    send_mail(note.subject, f"{note.body}\n\n{link}".strip(), None, [note.user.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())

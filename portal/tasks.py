from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Notification


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notification_email(notification_id: int) -> None:
    """E-mail a notification once; a redelivered task finds it already sent and does nothing."""
    note = Notification.objects.select_related("user").filter(pk=notification_id, emailed_at=None).first()
    if note is None:
        return
    body = note.body
    if note.link:
        with translation.override(note.user.preferred_language):
            body += "\n\n" + _("Open: %(url)s") % {"url": f"{settings.PORTAL_BASE_URL.rstrip('/')}{note.link}"}
    send_mail(note.subject, body, None, [note.user.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())

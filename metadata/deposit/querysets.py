import datetime

from django.conf import settings
from django.db import models
from django.db.models import Max, Q
from django.utils import timezone

from portal.models import Role
from portal.permissions import institution_ids_for


class RepositoryQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def for_institution(self, institution_id):
        return self.active().filter(institution_id=institution_id)


class DepositJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Deposit jobs are seen by the record's curators: the librarians of its institution (design.md §1)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(record__institution__in=institution_ids_for(user, Role.LIBRARIAN))

    def stale(self, now=None):
        """Unfinished jobs whose task message is presumably gone with a dead worker (and that were not sent
        again within a lease): running past the worker's lease; due for a retry for more than a lease;
        waiting longer than DEPOSIT_REQUEUE_SECONDS; or never started although jobs queued after it started
        more than a lease ago (the queue is first in, first out, so its message went to a worker that died)."""
        now = now or timezone.now()
        lease_ago = now - datetime.timedelta(seconds=settings.DEPOSIT_LEASE_SECONDS)
        wait = now - datetime.timedelta(seconds=settings.DEPOSIT_REQUEUE_SECONDS)
        overtaken_below = self.filter(started_at__range=(wait, lease_ago)).aggregate(pk=Max("pk"))["pk"] or 0
        waiting = Q(state="queued")
        return self.filter(dispatched_at__lt=lease_ago).filter(
            Q(state="running", lease_until__lt=now)
            | Q(state="waiting", next_retry_at__lt=lease_ago)
            | waiting & Q(dispatched_at__lt=wait)
            | waiting & Q(started_at=None, pk__lt=overtaken_below)
        )

    def due(self, now=None):
        """What a sweep without workers runs: jobs whose retry time has come, and the stale ones."""
        now = now or timezone.now()
        return self.filter(Q(state="waiting", next_retry_at__lte=now) | Q(pk__in=self.stale(now).values("pk")))

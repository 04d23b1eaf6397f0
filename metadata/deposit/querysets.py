import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
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
        """Jobs whose task is gone: running past their worker's lease (the worker died), or queued for a
        retry that is overdue by more than a lease (its message was lost with a worker)."""
        now = now or timezone.now()
        grace = datetime.timedelta(seconds=settings.DEPOSIT_LEASE_SECONDS)
        return self.filter(Q(state="running", lease_until__lt=now) | Q(state="queued", next_retry_at__lt=now - grace))

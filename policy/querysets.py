from django.db import models
from django.db.models import Q

from portal.models import Role
from portal.permissions import institution_ids_for

# Repeated from DataPolicy.Status to keep models.py → querysets.py the only import direction.
ADOPTED, SUPERSEDED = "adopted", "superseded"


class DataPolicyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Adopted and superseded policies are public; drafts only to their institution's admins."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        released = Q(status__in=(ADOPTED, SUPERSEDED))
        if not user.is_authenticated:
            return self.filter(released)
        return self.filter(released | Q(institution__in=institution_ids_for(user, Role.INSTITUTION_ADMIN)))

    def adopted(self):
        return self.filter(status=ADOPTED)

    def adopted_by(self, day):
        """Policies in force at some point up to `day`: adopted then, whether or not superseded since."""
        return self.filter(status__in=(ADOPTED, SUPERSEDED), adopted_on__lte=day)

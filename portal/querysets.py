from django.db import models


class RoleAssignmentQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def institution_ids(self, user, *roles):
        """Ids of the institutions where `user` holds any of `roles` (a lazy subquery)."""
        return self.for_user(user).filter(role__in=roles, institution__isnull=False).values("institution_id")

    def funder_ids(self, user, *roles):
        return self.for_user(user).filter(role__in=roles, funder__isnull=False).values("funder_id")

    def holder_ids(self, role, *, institution):
        """Ids of the users holding `role` at `institution` (a lazy subquery)."""
        return self.filter(role=role, institution=institution).values("user_id")

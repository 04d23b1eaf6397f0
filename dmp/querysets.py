from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.models import Role
from portal.permissions import funder_ids_for, institution_ids_for


class ProjectQuerySet(models.QuerySet):
    def with_member(self, user):
        """Projects where `user` is the PI or a member."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(pi=user) | Exists(self._memberships(user)))

    def editable_by(self, user):
        """Projects `user` leads or may edit as a member: who writes the DMP and the managed data."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(pi=user) | Exists(self._memberships(user).filter(can_edit=True)))

    def visible_to(self, user):
        """The PI and members, the institution's reviewers, librarians and admins, and the program's
        funder officers (design.md §3, DMP row)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        staff = institution_ids_for(user, Role.REVIEWER, Role.LIBRARIAN, Role.INSTITUTION_ADMIN)
        return self.filter(
            Q(pi=user)
            | Exists(self._memberships(user))
            | Q(institution__in=staff)
            | Q(program__funder__in=funder_ids_for(user))
        )

    def _memberships(self, user):
        member_model = self.model._meta.get_field("members").related_model
        return member_model.objects.filter(project=OuterRef("pk"), user=user)


class DMPQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A DMP is seen by whoever sees its project (design.md §3, DMP row)."""
        project_model = self.model._meta.get_field("project").related_model
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__in=project_model.objects.visible_to(user).values("pk"))

    def editable_by(self, user):
        """DMPs whose project `user` leads or may edit as a member."""
        project_model = self.model._meta.get_field("project").related_model
        return self.filter(project__in=project_model.objects.editable_by(user).values("pk"))

    def reviewable_by(self, user):
        """DMPs of the institutions where `user` is a reviewer."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(project__institution__in=institution_ids_for(user, Role.REVIEWER))

    def decidable_by(self, user):
        """The DMPs `user` reviews, less the plans they are PI or member of (separation of duties, as
        `permissions.has_duty_conflict`): what their review queue and inbox list. Operators keep all."""
        reviewable = self.reviewable_by(user)
        if user.is_superuser:
            return reviewable
        project_model = self.model._meta.get_field("project").related_model
        return reviewable.exclude(project__in=project_model.objects.with_member(user).values("pk"))

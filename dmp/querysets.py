from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.models import Role, RoleAssignment
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


REVIEW_ROLES = (Role.INSTITUTION_ADMIN, Role.REVIEWER, Role.FUNDER_OFFICER)


@dataclass(frozen=True)
class ReviewScope:
    """The DMPs whose review figures a viewer follows: every DMP (operators), or those of some
    institutions (their admins and reviewers) and of some funders' programs (their officers). The ids are
    read once, so that the figures' queries filter on plain columns (indexes) rather than subqueries."""

    everything: bool = False
    institutions: tuple = ()
    funders: tuple = ()

    def condition(self, prefix: str = "") -> Q:
        """The scope as a condition on DMPs, or on a model reaching them through `prefix`."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        if self.institutions:
            condition |= Q(**{f"{prefix}institution_id__in": self.institutions})
        if self.funders:
            condition |= Q(**{f"{prefix}funder_id__in": self.funders})
        return condition


def review_scope_of(*, user) -> ReviewScope | None:
    """`user`'s scope in one query, or None when they follow no DMP review figures."""
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return ReviewScope(everything=True)
    roles = list(RoleAssignment.objects.for_user(user).filter(role__in=REVIEW_ROLES)
                 .values_list("institution_id", "funder_id"))
    scope = ReviewScope(institutions=tuple(sorted({i for i, _f in roles if i})),
                        funders=tuple(sorted({f for _i, f in roles if f})))
    return scope if scope.institutions or scope.funders else None

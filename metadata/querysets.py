from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from dmp.models import Project, ProjectMember
from portal.models import Role
from portal.permissions import institution_ids_for

# Values repeated from .vocabularies to keep models.py → querysets.py the only import direction.
PUBLISHED, WITHDRAWN = "published", "withdrawn"
OPEN_METADATA, RESTRICTED_METADATA = "open access", "restricted access"


class ManagedDataQuerySet(models.QuerySet):
    """The one visibility rule for managed data (design.md §3). Every page, API endpoint, export,
    search, dashboard drill-down and OAI-PMH response starts from `visible_to`."""

    def public(self):
        """What everyone, signed in or not, sees: released records whose metadata is open. Withdrawn
        records stay as tombstones (the landing page says withdrawn; OAI-PMH reports them deleted)."""
        return self.filter(status__in=(PUBLISHED, WITHDRAWN), metadata_access=OPEN_METADATA)

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.public()
        if user.is_superuser:
            return self.all()
        released = Q(status__in=(PUBLISHED, WITHDRAWN))
        public = released & Q(metadata_access=OPEN_METADATA)
        institution_members = (
            released
            & Q(metadata_access=RESTRICTED_METADATA)
            & Q(institution__in=institution_ids_for(user))
        )
        return self.filter(public | institution_members | self._people_q(user) | self._curators_q(user)
                           | self._dmp_readers_q(user))

    def with_data_access(self, user, today=None):
        """Annotate `data_access`: whether `user` (who sees the metadata) gets the data link and files.
        Open: everyone; embargoed: everyone from the publication date; shared: the named members; and always
        the record's people and curators (design.md §3)."""
        today = today or timezone.localdate()
        everyone = Q(status=PUBLISHED) & (
            Q(access_right="open access") | Q(access_right="embargoed access", embargo_until__lte=today)
        )
        if not user.is_authenticated:
            rule = everyone
        elif user.is_superuser:
            rule = Q(pk__isnull=False)
        else:
            shared_model = self.model.shared_with.through
            named = Q(status=PUBLISHED, access_right="restricted access") & Exists(
                shared_model.objects.filter(manageddata_id=OuterRef("pk"), user_id=user.pk)
            )
            rule = everyone | named | self._people_q(user) | self._curators_q(user)
        return self.annotate(data_access=ExpressionWrapper(rule, output_field=BooleanField()))

    def with_person(self, user):
        """Records of which `user` is one of "the record's people"."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(self._people_q(user))

    def editable_by(self, user):
        """Records `user` may change now (`permissions.can_edit_managed_data`, for many at once): drafts and
        returned records of the projects they lead or may edit as a member."""
        return self.filter(status__in=self.model.EDITABLE, project__in=Project.objects.editable_by(user).values("pk"))

    def curated_by(self, user):
        """Records `user` curates: those of the institutions where they are a librarian."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(self._curators_q(user))

    def curatable_by(self, user):
        """The records `user` curates, less those of which they are one of the people (separation of duties,
        as `permissions.has_duty_conflict`): what their curation queue, bulk form and inbox list. Operators
        keep all."""
        curated = self.curated_by(user)
        return curated if user.is_superuser else curated.exclude(self._people_q(user))

    def published(self):
        return self.filter(status=PUBLISHED)

    def listed(self, status: str | None):
        """What a list shows (pages, exports, the API): the published records unless a state is asked for
        (the list's `status` filter then picks it)."""
        return self if status else self.published()

    def with_version_neighbours(self):
        """Annotate each record with the published public versions just before and after it (their pk and
        DOI and number: `previous_version_pk`, `…_doi`, `…_version`, the same for `next_version_`; None
        where there is none), which the exits link to."""
        first = Coalesce(OuterRef("version_of"), OuterRef("pk"))
        family = self.model._default_manager.public().filter(Q(pk=first) | Q(version_of=first), status=PUBLISHED)
        earlier = family.filter(version__lt=OuterRef("version")).order_by("-version")
        later = family.filter(version__gt=OuterRef("version")).order_by("version")
        return self.annotate(**{f"{side}_version_{column}": Subquery(versions.values(column)[:1])
                                for side, versions in (("previous", earlier), ("next", later))
                                for column in ("pk", "doi", "version")})

    def latest_versions(self):
        """One record for each record with versions: the version that stands for it in counts
        (`latest_version`: its newest published one, or its first before any is published)."""
        return self.filter(latest_version=True)

    def in_dashboard_scope(self, *, institution=None, funder=None):
        """The records a dashboard counts, a record with several versions once: an institution's or a
        funder's every record but withdrawn ones; nationally, the published ones."""
        records = self.latest_versions()
        if institution:
            return records.filter(institution=institution).exclude(status=WITHDRAWN)
        if funder:
            return records.filter(funder=funder).exclude(status=WITHDRAWN)
        return records.filter(status=PUBLISHED)

    def of_projects_visible_to(self, user):
        """Every record but withdrawn ones (a record with several versions once) of the projects `user` may
        see; every project for operators."""
        records = self.latest_versions().exclude(status=WITHDRAWN)
        if user.is_superuser:
            return records
        return records.filter(project__in=Project.objects.visible_to(user).values("pk"))

    def embargo_due(self, today=None):
        """Embargoed records whose publication date has come but whose lift was not yet recorded."""
        today = today or timezone.localdate()
        return self.filter(access_right="embargoed access", embargo_until__lte=today, embargo_lifted_at=None)

    def _people_q(self, user):
        """The record's people: its creator in the portal, its creators and data managers who are portal
        users, and the project's PI and members (the DMP's contributors)."""
        person_model = self.model._meta.get_field("people").related_model
        return (
            Q(created_by=user)
            | Q(project__pi=user)
            | Exists(ProjectMember.objects.filter(project=OuterRef("project"), user=user))
            | Exists(person_model.objects.filter(record=OuterRef("pk"), user=user))
        )

    @staticmethod
    def _dmp_readers_q(user):
        """Those who may read the project's DMP read its records' metadata, in every state (design.md §3);
        that gives them neither the data (`with_data_access`) nor any action."""
        return Q(project__in=Project.objects.visible_to(user).values("pk"))

    @staticmethod
    def _curators_q(user):
        return Q(institution__in=institution_ids_for(user, Role.LIBRARIAN))

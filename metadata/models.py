from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dmp.models import Project
from policy.models import FundingProgram
from portal.bulk import CopyInserted
from portal.fields import IdentifierField, LineField, MultilineField
from portal.fiscal import FiscalYear
from portal.i18n import pick
from portal.models import Funder, Institution
from portal.validators import normalize_search_text, validate_erad_researcher_number, validate_orcid, validate_ror

from .querysets import ManagedDataQuerySet
from .validators import validate_file_size, validate_phone, validate_repository_url
from .vocabularies import (
    ITEM_RESEARCH_FIELDS,
    PROJECT_FIELD,
    AccessRight,
    DataManagerType,
    DataType,
    License,
    MetadataAccess,
    ProvisionPolicy,
    Status,
    YesNoUnknown,
)

PUBLISHED = Q(status=Status.PUBLISHED)
LATEST = Q(latest_version=True)


class ManagedData(models.Model):
    """A managed-data item (管理対象データ) with the common metadata elements. Element numbers in the
    comments follow metadata-elements.md §3; elements 1–5 and the project field come from `project`."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="managed_data", verbose_name=_("project")
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="managed_data", verbose_name=_("institution"),
        help_text=_("The institution whose librarians curate this record (the project's institution)."),
    )
    # 6
    data_no = IdentifierField(_("data No."), max_length=20, blank=True,
                               help_text=_("The item's number in the DMP's data list; unique within the project."))
    # 7
    title_ja = LineField(pgettext_lazy("managed data", "title (Japanese)"), max_length=500, blank=True)
    title_en = LineField(pgettext_lazy("managed data", "title (English)"), max_length=500, blank=True)
    # 8
    issued_date = models.DateField(_("date issued or updated"), null=True, blank=True)
    # 9
    description_ja = MultilineField(_("description (Japanese)"), blank=True)
    description_en = MultilineField(_("description (English)"), blank=True)
    # 10, 11, 12
    research_field = models.CharField(_("research field"), max_length=8, choices=ITEM_RESEARCH_FIELDS,
                                      default=PROJECT_FIELD)
    data_type = models.CharField(_("data type"), max_length=40, choices=DataType.choices, default=DataType.DATASET)
    file_size = LineField(_("approximate size"), max_length=40, blank=True, validators=[validate_file_size],
                                 help_text=_("e.g. 852.95KB, <10GB, 100-200MB"))
    # 13a–c
    provision_policy = models.CharField(_("free or for consideration"), max_length=16,
                                        choices=ProvisionPolicy.choices, default=ProvisionPolicy.FREE)
    license = models.CharField(_("license"), max_length=16, choices=License.choices, blank=True)
    citation_ja = MultilineField(_("citation information (Japanese)"), blank=True)
    citation_en = MultilineField(_("citation information (English)"), blank=True)
    # 14, 15
    access_right = models.CharField(_("access rights"), max_length=24, choices=AccessRight.choices, blank=True)
    embargo_until = models.DateField(_("publication date (for embargoed access)"), null=True, blank=True)
    # 16, 17
    repository_info_ja = LineField(_("repository (Japanese)"), max_length=300, blank=True)
    repository_info_en = LineField(_("repository (English)"), max_length=300, blank=True)
    repository_url = LineField(_("repository URL or DOI link"), max_length=500, blank=True,
                                      validators=[validate_repository_url],
                                      help_text=_("A web address or a DOI such as 10.1234/abcd."))
    # 20, 21
    hosting_institution_ja = LineField(_("hosting institution (Japanese)"), max_length=300, blank=True)
    hosting_institution_en = LineField(_("hosting institution (English)"), max_length=300, blank=True)
    hosting_institution_ror = IdentifierField(_("hosting institution ROR ID"), max_length=60, blank=True,
                                               validators=[validate_ror])
    # ext, 24–27 (data managers themselves are RecordPerson rows)
    data_manager_type = models.CharField(_("type of data manager"), max_length=16, choices=DataManagerType.choices,
                                         default=DataManagerType.INDIVIDUAL)
    contact_org_ja = LineField(_("contact organization (Japanese)"), max_length=300, blank=True)
    contact_org_en = LineField(_("contact organization (English)"), max_length=300, blank=True)
    contact_address_ja = LineField(_("contact address (Japanese)"), max_length=300, blank=True)
    contact_address_en = LineField(_("contact address (English)"), max_length=300, blank=True)
    contact_phone = LineField(_("contact phone number"), max_length=20, blank=True, validators=[validate_phone])
    contact_email = models.EmailField(_("contact e-mail address"), blank=True)
    # 28
    remarks_ja = MultilineField(_("remarks (Japanese)"), blank=True)
    remarks_en = MultilineField(_("remarks (English)"), blank=True)
    # ext: from the DMP (RDA DMP Common Standard)
    personal_data = LineField(_("personal data"), max_length=8, choices=YesNoUnknown.choices,
                              default=YesNoUnknown.UNKNOWN)
    sensitive_data = LineField(_("sensitive data"), max_length=8, choices=YesNoUnknown.choices,
                               default=YesNoUnknown.UNKNOWN)
    formats = models.JSONField(_("formats"), default=list, blank=True,
                               help_text=_("Media types or file formats of the data, e.g. text/csv."))
    available_until = models.DateField(_("available until"), null=True, blank=True)
    # ext
    metadata_access = models.CharField(_("access rights of the metadata"), max_length=20,
                                       choices=MetadataAccess.choices, default=MetadataAccess.OPEN)
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_managed_data", verbose_name=_("shared with"),
        help_text=_("For shared (共有) data: the people outside the project who may get the data."),
    )
    # Workflow and bookkeeping
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="created_managed_data", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last changed"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    withdrawn_reason = MultilineField(_("reason for withdrawal"), blank=True)
    datestamp = models.DateTimeField(_("metadata datestamp"), default=timezone.now, db_index=True,
                                     help_text=_("Changes whenever what harvesters see changes."))
    embargo_lifted_at = models.DateTimeField(_("embargo lifted"), null=True, blank=True)
    doi = IdentifierField(_("DOI"), max_length=200, blank=True)
    # Versions: a published record changes (new files, new metadata) only as a new version, a record of its
    # own (own datestamp, own curation) linked to the first version of the family.
    version_of = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                   related_name="later_versions", verbose_name=_("first version"))
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    latest_version = models.BooleanField(
        _("latest version"), default=True, editable=False,
        help_text=_("The version that stands for the record in counts: its newest published version, or its "
                    "first before any is published. Figures count a record with several versions once."))
    search_text = models.TextField(_("search text"), blank=True, editable=False,
                                   help_text=_("Titles and descriptions in NFKC and lower case, for search."))
    # Copies for the dashboards, so that their counts read one narrow index instead of joining projects
    # and programs: the project's program and funder, and the research field with "the project's" resolved.
    # The database keeps them, and `latest_version`, correct (triggers, `metadata.db_triggers`): whatever a
    # write sends for them is overwritten, so read them in queries, or after `refresh_from_db`.
    program = models.ForeignKey(FundingProgram, on_delete=models.PROTECT, null=True, editable=False,
                                related_name="+", db_index=False, verbose_name=_("funding program"))
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, null=True, editable=False, related_name="+",
                               db_index=False, verbose_name=_("funder"))
    effective_field = models.CharField(_("effective research field"), max_length=8, blank=True, editable=False)
    has_doi = models.GeneratedField(expression=~Q(doi=""), output_field=models.BooleanField(), db_persist=True,
                                    verbose_name=_("has a DOI"))
    fiscal_year = models.GeneratedField(expression=FiscalYear("created_at"), output_field=models.IntegerField(),
                                        db_persist=True, verbose_name=_("fiscal year registered"))

    objects = ManagedDataQuerySet.as_manager()
    history = HistoricalRecords(bases=[CopyInserted],  # its rows written in bulk go by COPY
                                excluded_fields=["datestamp", "search_text", "updated_at", "program", "funder",
                                                 "effective_field", "has_doi", "fiscal_year", "latest_version"])

    # The curation state machine: (from, action) -> to. Services apply it; templates show its buttons.
    TRANSITIONS = {
        (Status.DRAFT, "submit"): Status.SUBMITTED,
        (Status.RETURNED, "submit"): Status.SUBMITTED,
        (Status.SUBMITTED, "return"): Status.RETURNED,
        (Status.SUBMITTED, "publish"): Status.PUBLISHED,
        (Status.PUBLISHED, "withdraw"): Status.WITHDRAWN,
    }
    EDITABLE = (Status.DRAFT, Status.RETURNED)

    class Meta:
        verbose_name = _("managed data")
        verbose_name_plural = _("managed data")
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "data_no"], condition=~Q(data_no="") & Q(version_of=None),
                                    name="managed_data_unique_data_no",
                                    violation_error_message=_("This data No. is already used in the project.")),
            models.UniqueConstraint(fields=["version_of", "version"], name="managed_data_unique_version"),
        ]
        indexes = [
            models.Index(fields=["status", "metadata_access", "datestamp", "id"], name="managed_data_harvest"),
            models.Index(fields=["institution", "status"], name="managed_data_inst_status"),
            # The dashboards count records from narrow (partial) indexes alone (index-only scans), never
            # the wide rows: one per breakdown of the published records, one for a funder's records, the
            # states by access right, closed records without a reason, embargoes. Plain key columns rather
            # than INCLUDE, which SQLite lacks; low-cardinality leading keys keep them small (B-tree
            # deduplication).
            models.Index(fields=["fiscal_year", "access_right", "has_doi"], condition=PUBLISHED & LATEST,
                         name="md_dash_pub_year"),
            models.Index(fields=["effective_field", "access_right", "has_doi"], condition=PUBLISHED & LATEST,
                         name="md_dash_pub_field"),
            models.Index(fields=["institution", "access_right", "has_doi"], condition=PUBLISHED & LATEST,
                         name="md_dash_pub_inst"),
            models.Index(fields=["funder", "program", "access_right", "has_doi", "fiscal_year"],
                         condition=PUBLISHED & LATEST,
                         name="md_dash_pub_program"),
            models.Index(fields=["funder", "status", "access_right", "has_doi", "program", "effective_field",
                                 "institution", "fiscal_year"], condition=~Q(status=Status.WITHDRAWN) & LATEST,
                         name="md_dash_funder"),
            models.Index(fields=["status", "access_right"], condition=LATEST, name="md_dash_status_access"),
            models.Index(fields=["funder", "status", "institution", "project", "fiscal_year"],
                         condition=Q(access_right=AccessRight.CLOSED, remarks_ja="", remarks_en="") & LATEST,
                         name="md_dash_closed_no_reason"),
            models.Index(fields=["embargo_until", "embargo_lifted_at", "status", "funder", "institution", "project",
                                 "fiscal_year", "latest_version"], condition=Q(access_right=AccessRight.EMBARGOED),
                         name="md_dash_embargo"),
        ]

    def __str__(self):
        return self.title or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("metadata:managed-data-detail", args=[self.pk])

    @property
    def title(self) -> str:
        return pick(self, "title")

    @property
    def is_published(self) -> bool:
        return self.status == Status.PUBLISHED

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def first_version_id(self) -> int:
        return self.version_of_id or self.pk

    def versions(self):
        """Every version of this record, the first one first."""
        return ManagedData.objects.filter(Q(pk=self.first_version_id) | Q(version_of=self.first_version_id)) \
            .order_by("version")

    @property
    def description(self) -> str:
        return pick(self, "description")

    @property
    def effective_research_field(self) -> str:
        """Element 10 with `project` resolved to the project's field."""
        return self.project.research_field if self.research_field == PROJECT_FIELD else self.research_field

    def build_search_text(self) -> str:
        parts = (self.title_ja, self.title_en, self.description_ja, self.description_en, self.data_no)
        return normalize_search_text(" ".join(p for p in parts if p))

    def embargo_active(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.access_right == AccessRight.EMBARGOED and (self.embargo_until is None or self.embargo_until > today)

    def actions(self) -> list[str]:
        """The transitions possible from the current state."""
        return [action for (state, action) in self.TRANSITIONS if state == self.status]

    def completeness_errors(self, people=None, today=None) -> dict[str, list[str]]:
        """Every missing or inconsistent element, at once, keyed by field (metadata-elements.md §7).
        Drafts may be incomplete; submission and publication require this to be empty. `people` may be
        given as unsaved RecordPerson rows (a form being checked); by default the saved ones count."""
        today = today or timezone.localdate()
        people = list(self.people.all()) if people is None else people
        errors: dict[str, list[str]] = {}

        def add(field, message):
            errors.setdefault(field, []).append(str(message))

        for base, message in (
            ("title", pgettext_lazy("managed data", "Give the title in Japanese or in English.")),
            ("description", _("Give the description in Japanese or in English.")),
            ("citation", _("Give the citation information in Japanese or in English.")),
            ("hosting_institution", _("Give the hosting institution in Japanese or in English.")),
        ):
            if not (getattr(self, f"{base}_ja").strip() or getattr(self, f"{base}_en").strip()):
                add(f"{base}_ja", message)
        if not self.license:
            add("license", _("Choose a license (or “No license”)."))
        if not self.access_right:
            add("access_right", _("Choose the access rights."))
        if self.access_right == AccessRight.EMBARGOED:
            if not self.embargo_until:
                add("embargo_until", _("Required when the access rights are embargoed."))
            elif self.embargo_until <= today:
                add("embargo_until", _("The publication date of an embargo must be in the future."))
        elif self.embargo_until:
            add("embargo_until", _("Give a publication date only when the access rights are embargoed."))
        if not (self.contact_email or (
            (self.contact_org_ja or self.contact_org_en)
            and (self.contact_address_ja or self.contact_address_en)
            and self.contact_phone
        )):
            add("contact_email", _("Give the data manager's contact e-mail, or the organization, address and "
                                   "phone number together."))
        managers = [p for p in people if p.kind == RecordPerson.Kind.DATA_MANAGER]
        if self.data_manager_type == DataManagerType.INDIVIDUAL and not any(p.name_ja or p.name_en for p in managers):
            add("people", _("Name the data manager (an individual data manager needs a name)."))
        if self.data_manager_type == DataManagerType.ORGANIZATION and not (self.contact_org_ja or self.contact_org_en):
            add("contact_org_ja", _("Give the name of the organization that manages the data."))
        if any(not (p.name_ja or p.name_en) for p in people):
            add("people", _("Every creator and data manager needs a name in Japanese or in English."))
        return errors

    def clean(self):
        # Rules that hold for drafts too: an embargo date only with embargoed access.
        if self.embargo_until and self.access_right and self.access_right != AccessRight.EMBARGOED:
            raise ValidationError(
                {"embargo_until": _("Give a publication date only when the access rights are embargoed.")}
            )


class RecordPerson(models.Model):
    """A creator (18–19) or data manager (22–23) of a record, in order."""

    class Kind(models.TextChoices):
        CREATOR = "creator", _("Creator")
        DATA_MANAGER = "data_manager", _("Data manager")

    record = models.ForeignKey(ManagedData, on_delete=models.CASCADE, related_name="people",
                               verbose_name=_("managed data"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name_ja = LineField(pgettext_lazy("person", "name (Japanese)"), max_length=200, blank=True)
    name_en = LineField(pgettext_lazy("person", "name (English)"), max_length=200, blank=True)
    erad_researcher_number = IdentifierField(_("e-Rad researcher number"), max_length=8, blank=True,
                                              validators=[validate_erad_researcher_number])
    orcid = IdentifierField(_("ORCID iD"), max_length=19, blank=True, validators=[validate_orcid])
    affiliation_ja = LineField(_("affiliation (Japanese)"), max_length=300, blank=True)
    affiliation_en = LineField(_("affiliation (English)"), max_length=300, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="record_roles", verbose_name=_("portal user"))

    class Meta:
        verbose_name = _("person of a record")
        verbose_name_plural = _("people of records")
        ordering = ["record", "kind", "position", "pk"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return pick(self, "name")


class CurationEvent(models.Model):
    """One transition of a record's curation state: who, when, from, to, and the message (or the daily
    job lifting the record's embargo, with no actor and no change of state)."""

    record = models.ForeignKey(ManagedData, on_delete=models.CASCADE, related_name="curation_events",
                               verbose_name=_("managed data"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("actor"))
    action = LineField(_("action"), max_length=20)
    from_status = models.CharField(_("from"), max_length=12, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=12, choices=Status.choices)
    message = MultilineField(_("message"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)
    duty_override = models.BooleanField(
        _("separation of duties overridden"), default=False,
        help_text=_("An operator took this curation action on a record they are one of the people of."),
    )

    LIFT_EMBARGO = "lift_embargo"  # the action of the daily job

    class Meta:
        verbose_name = _("curation event")
        verbose_name_plural = _("curation events")
        ordering = ["record", "at", "pk"]

    def __str__(self):
        return f"{self.record_id}: {self.from_status} → {self.to_status}"

    @property
    def summary(self) -> str:
        """What the event did, for the record's curation list: a change of state, or the embargo lifted."""
        if self.action == self.LIFT_EMBARGO:
            return str(_("Embargo lifted"))
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

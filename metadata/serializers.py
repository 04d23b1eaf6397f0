from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from dmp.models import Project
from portal.validators import normalize_orcid

from .files.selectors import record_files
from .models import ManagedData, RecordPerson
from .permissions import record_links
from .services import EDITABLE_FIELDS


class RecordPersonSerializer(serializers.ModelSerializer):
    orcid = serializers.CharField(max_length=60, required=False, allow_blank=True)

    class Meta:
        model = RecordPerson
        fields = ["kind", "name_ja", "name_en", "erad_researcher_number", "orcid", "affiliation_ja",
                  "affiliation_en"]

    def validate_orcid(self, value):
        return normalize_orcid(value) if value.strip() else ""


class ManagedDataSerializer(serializers.ModelSerializer):
    """The common metadata elements of a record. Its links follow `record_links`: the DOI goes to everyone
    who sees the record; a `repository_url` that is not a DOI only to those who get the data (the others get
    the landing page there)."""

    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=True)
    people = RecordPersonSerializer(many=True, required=False)
    url = serializers.HyperlinkedIdentityField(view_name="metadata:api-managed-data-detail")
    research_field_resolved = serializers.CharField(source="effective_research_field", read_only=True)
    missing = serializers.SerializerMethodField(help_text=_("Elements still missing for submission."))
    doi = serializers.CharField(read_only=True, allow_null=True)  # null when the record has no DOI
    files = serializers.SerializerMethodField(help_text=_("The record's files; `download_url` only for those who "
                                                          "may get the data."))

    class Meta:
        model = ManagedData
        fields = ["id", "url", "project", "institution", *EDITABLE_FIELDS, "research_field_resolved", "people",
                  "status", "doi", "datestamp", "published_at", "updated_at", "version", "version_of", "missing",
                  "files"]
        read_only_fields = ["institution", "status", "doi", "datestamp", "published_at", "updated_at", "version",
                            "version_of"]
        extra_kwargs = {"repository_url": {"allow_null": True}}

    def get_missing(self, record) -> dict:
        return record.completeness_errors() if record.status in ManagedData.EDITABLE else {}

    def get_files(self, record) -> list[dict]:
        return [asdict(entry) for entry in record_files(record)]

    def to_representation(self, record):
        data = super().to_representation(record)
        links = record_links(record)
        data["repository_url"] = links.location
        data["doi"] = links.doi or None
        return data

    def validate_repository_url(self, value):
        return value or ""

    def validate_project(self, project):
        request = self.context["request"]
        if self.instance is not None and project != self.instance.project:
            raise serializers.ValidationError(_("A record cannot move to another project."))
        if not Project.objects.with_member(request.user).filter(pk=project.pk).exists():
            raise serializers.ValidationError(_("You are not a member of this project."))
        return project


class TransitionSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, default="")

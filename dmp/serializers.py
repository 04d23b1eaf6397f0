from rest_framework import serializers

from .models import DMP, ReviewComment


class DMPSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="display_title", read_only=True)
    grant_number = serializers.CharField(source="project.grant_number", read_only=True)
    project_name_ja = serializers.CharField(source="project.name_ja", read_only=True)
    project_name_en = serializers.CharField(source="project.name_en", read_only=True)
    program = serializers.CharField(source="project.program.name", read_only=True)
    program_id = serializers.IntegerField(source="project.program_id", read_only=True)
    funder = serializers.CharField(source="project.program.funder.code", read_only=True)
    institution = serializers.CharField(source="project.institution.name", read_only=True)
    department = serializers.CharField(source="project.department.name", read_only=True, default="")
    pi = serializers.CharField(source="project.pi.email", read_only=True)
    template = serializers.SerializerMethodField()
    approved_version = serializers.IntegerField(source="approved_version.number", read_only=True, default=None,
                                                allow_null=True)

    class Meta:
        model = DMP
        fields = ["id", "title", "status", "grant_number", "project_name_ja", "project_name_en", "program",
                  "program_id", "funder", "institution", "department", "pi", "template", "approved_version",
                  "submitted_at", "created_at", "updated_at"]

    def get_template(self, dmp) -> str:
        return f"{dmp.template.key} v{dmp.template.version}"


class DMPDetailSerializer(DMPSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(DMPSerializer.Meta):
        fields = [*DMPSerializer.Meta.fields, "answers", "versions"]

    def get_versions(self, dmp) -> list[dict]:
        return [{"number": v.number, "submitted_at": v.submitted_at} for v in dmp.versions.order_by("number")]


class DMPTransitionSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, default="")


class AnswersSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField())


class ReviewCommentSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")
    author = serializers.CharField(source="author.email", read_only=True)

    class Meta:
        model = ReviewComment
        fields = ["id", "version", "question_key", "body", "author", "created_at", "resolved_at"]
        read_only_fields = ["id", "author", "created_at", "resolved_at"]

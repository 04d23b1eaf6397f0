from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .forms import SheetExportForm, SheetImportForm
from .models import SheetImport
from .services import sheet_import_start
from .views import form_export_response


def _language(request) -> str:
    return request.user.preferred_language


class SheetImportSerializer(serializers.ModelSerializer):
    class Meta:
        model = SheetImport
        fields = ["id", "filename", "dry_run", "as_drafts", "status", "total_rows", "processed_rows", "result",
                  "created_at", "finished_at"]


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema(
    parameters=[
        OpenApiParameter("file", str, enum=["xlsx", "csv"]),
        OpenApiParameter("layout", str, enum=["official", "portal"]),
        OpenApiParameter("language", str, enum=["ja", "en"]),
        OpenApiParameter("project", int),
        OpenApiParameter("status", str),
    ],
    responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY, 400: OpenApiTypes.OBJECT},
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def sheet_export_api(request):
    """The metadata sheet of the records you may see: `?file=xlsx|csv&layout=official|portal&language=ja|en
    &project=<id>&status=<status>` (the official .xlsx holds both the Japanese and the English sheet)."""
    form = SheetExportForm(request.query_params, user=request.user)
    if not form.is_valid():
        return Response({"errors": form.errors.get_json_data()}, status=status.HTTP_400_BAD_REQUEST)
    return form_export_response(form, _language(request))


@extend_schema(
    request={"multipart/form-data": inline_serializer("SheetUpload", {
        "upload": serializers.FileField(), "dry_run": serializers.BooleanField(required=False),
        "as_drafts": serializers.BooleanField(required=False)})},
    responses={200: OpenApiTypes.OBJECT, 202: SheetImportSerializer, 400: OpenApiTypes.OBJECT},
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes([MultiPartParser, FormParser])
def sheet_import_api(request):
    """Import a sheet (multipart `upload`, `dry_run`, `as_drafts`). 200 with the result when it was saved or would be,
    400 with row/column/value/reason errors (nothing saved), 202 with a job for a large file."""
    form = SheetImportForm(request.data, request.FILES)
    if not form.is_valid():
        return Response({"errors": form.errors.get_json_data()}, status=status.HTTP_400_BAD_REQUEST)
    upload = form.cleaned_data["upload"]
    outcome = sheet_import_start(user=request.user, content=upload.read(), filename=upload.name,
                                 dry_run=form.cleaned_data["dry_run"], as_drafts=form.cleaned_data["as_drafts"],
                                 language=_language(request))
    if isinstance(outcome, SheetImport):
        return Response(SheetImportSerializer(outcome).data, status=status.HTTP_202_ACCEPTED)
    return Response(outcome.as_dict(), status=status.HTTP_200_OK if outcome.ok else status.HTTP_400_BAD_REQUEST)


@extend_schema(responses=SheetImportSerializer)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def sheet_import_job_api(request, pk):
    job = get_object_or_404(SheetImport.objects.filter(user=request.user), pk=pk)
    return Response(SheetImportSerializer(job).data)

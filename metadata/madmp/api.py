"""maDMP over HTTP: `GET /api/v1/dmps/{id}/madmp` and `POST /api/v1/dmps/import`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from dmp.models import DMP, ResearchField
from policy.models import FundingProgram

from .forms import validation_messages
from .services import madmp_export, madmp_import, madmp_parse


class ImportOptionsSerializer(serializers.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=FundingProgram.objects.all())
    grant_number = serializers.CharField(required=False, allow_blank=True, default="")
    research_field = serializers.ChoiceField(choices=ResearchField.choices, required=False, default="")


class MadmpParser(BaseParser):
    """JSON read within the bounds of `madmp_parse` (size, nesting, number length)."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return madmp_parse(stream.read(settings.MADMP_MAX_BYTES + 1) if stream else b"")
        except ValidationError as error:
            raise ParseError(" ".join(error.message_dict["$"])) from None


@extend_schema(responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
@permission_classes([permissions.AllowAny])
def madmp_export_view(request, pk):
    """The DMP as RDA DMP Common Standard 1.2 JSON (404 unless the caller may see the DMP)."""
    dmp = get_object_or_404(DMP.objects.visible_to(request.user).select_related(
        "project__program__funder", "project__pi", "template"), pk=pk)
    response = Response(madmp_export(dmp=dmp, viewer=request.user))
    response["Content-Disposition"] = f'inline; filename="madmp-{dmp.project.grant_number}.json"'
    return response


@extend_schema(request=OpenApiTypes.OBJECT, parameters=[ImportOptionsSerializer], responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@permission_classes([permissions.IsAuthenticated])
@parser_classes([MadmpParser])
def madmp_import_view(request):
    """The body is maDMP JSON; `program` (id), `grant_number` and `research_field` are query parameters."""
    options = ImportOptionsSerializer(data=request.query_params)
    options.is_valid(raise_exception=True)
    try:
        dmp = madmp_import(data=request.data, actor=request.user, **options.validated_data)
    except ValidationError as error:
        return Response({"errors": validation_messages(error)}, status=400)
    except PermissionDenied as error:
        return Response({"detail": str(error)}, status=403)
    return Response({"id": dmp.pk, "url": request.build_absolute_uri(dmp.get_absolute_url())}, status=201)

"""maDMP over HTTP: `GET /api/v1/dmps/{id}/madmp`, `POST /api/v1/dmps/import` and the upload page."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from dmp.models import DMP, ResearchField
from policy.models import FundingProgram

from .madmp import madmp_export, madmp_import


class ImportOptionsSerializer(serializers.Serializer):
    program = serializers.PrimaryKeyRelatedField(queryset=FundingProgram.objects.all())
    grant_number = serializers.CharField(required=False, allow_blank=True, default="")
    research_field = serializers.ChoiceField(choices=ResearchField.choices, required=False, default="")


class MadmpUploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("maDMP JSON file"))
    program = forms.ModelChoiceField(label=gettext_lazy("Funding program"),
                                     queryset=FundingProgram.objects.select_related("funder"))
    grant_number = forms.CharField(label=gettext_lazy("Japan Grant Number"), required=False, max_length=40,
                                   help_text=gettext_lazy("Only if the file has no Japan Grant Number (体系的番号)."))
    research_field = forms.ChoiceField(label=gettext_lazy("Project research field"),
                                       choices=[("", "---------"), *ResearchField.choices], required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            return json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ValidationError(_("This is not a JSON file: %(reason)s") % {"reason": error}) from None


def _errors(error: ValidationError) -> dict:
    return error.message_dict if hasattr(error, "error_dict") else {"$": error.messages}


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
def madmp_import_view(request):
    """The body is maDMP JSON; `program` (id), `grant_number` and `research_field` are query parameters."""
    options = ImportOptionsSerializer(data=request.query_params)
    options.is_valid(raise_exception=True)
    try:
        dmp = madmp_import(data=request.data, actor=request.user, **options.validated_data)
    except ValidationError as error:
        return Response({"errors": _errors(error)}, status=400)
    except PermissionDenied as error:
        return Response({"detail": str(error)}, status=403)
    return Response({"id": dmp.pk, "url": request.build_absolute_uri(dmp.get_absolute_url())}, status=201)


@login_required
def madmp_upload(request):
    form = MadmpUploadForm(request.POST or None, request.FILES or None)
    errors = {}
    if request.method == "POST" and form.is_valid():
        try:
            dmp = madmp_import(data=form.cleaned_data["file"], actor=request.user,
                               program=form.cleaned_data["program"],
                               grant_number=form.cleaned_data["grant_number"],
                               research_field=form.cleaned_data["research_field"])
        except (ValidationError, PermissionDenied) as error:
            errors = _errors(error) if isinstance(error, ValidationError) else {"$": [str(error)]}
        else:
            messages.success(request, _("The DMP was imported as a draft with its managed data."))
            return redirect(dmp)
    return render(request, "metadata/madmp_upload.html", {"form": form, "errors": errors},
                  status=400 if errors else 200)

"""The files API: the list of a record's files (by the access rule) and the tus 1.0 resumable-upload
endpoint (core protocol with the creation, termination and expiration extensions; https://tus.io/protocols/resumable-upload).

    POST   /api/v1/managed-data/{id}/uploads/   Upload-Length, Upload-Metadata (filename, sha256) → 201 Location
    HEAD   /api/v1/uploads/{uuid}/               → Upload-Offset, Upload-Length
    PATCH  /api/v1/uploads/{uuid}/               Upload-Offset, application/offset+octet-stream → 204 Upload-Offset
    DELETE /api/v1/uploads/{uuid}/               → 204 (the upload and its bytes are discarded)
"""

import base64
import binascii
import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import http_date
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import BaseParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from metadata.models import ManagedData

from .models import DataFile, Upload
from .selectors import data_files_of
from .services import UploadRefused, data_file_delete, upload_abort, upload_append, upload_start

TUS_VERSION = "1.0.0"
TUS_HEADERS = {"Tus-Resumable": TUS_VERSION}


class DataFileSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataFile
        fields = ["id", "name", "size", "sha256", "md5", "media_type", "uploaded_at", "download_url"]

    def get_download_url(self, data_file) -> str:
        """Empty unless the viewer gets the data."""
        record = self.context["record"]
        return self.context["request"].build_absolute_uri(data_file.get_absolute_url()) if record.data_access else ""


class DataFileViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The files of a record: listed to whoever sees the record; deleted by its people while it is a draft
    or returned. Bytes: GET the `download_url` (given only to viewers with data access)."""

    serializer_class = DataFileSerializer
    pagination_class = None

    def get_record(self) -> ManagedData:
        user = self.request.user
        if not hasattr(self, "_record"):
            self._record = get_object_or_404(ManagedData.objects.visible_to(user).with_data_access(user),
                                             pk=self.kwargs["record_pk"])
        return self._record

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no record to look at
            return DataFile.objects.none()
        return data_files_of(self.get_record().pk)

    def get_serializer_context(self):
        if getattr(self, "swagger_fake_view", False):
            return super().get_serializer_context()
        return {**super().get_serializer_context(), "record": self.get_record()}

    def perform_destroy(self, instance):
        try:
            data_file_delete(data_file=instance, actor=self.request.user)
        except UploadRefused as error:
            raise PermissionDenied(error.messages[0]) from None
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from None


class OctetStreamParser(BaseParser):
    """Declared so DRF accepts tus' content type; the view reads the stream itself, a block at a time."""

    media_type = "application/offset+octet-stream"

    def parse(self, stream, media_type=None, parser_context=None):
        return {}


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64(value)` pairs."""
    result = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            result[key] = base64.b64decode(value, validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise UploadRefused(_("Upload-Metadata: the value of “%(key)s” is not base64-encoded UTF-8.")
                                % {"key": key}) from None
    return result


def _int_header(request, name: str) -> int:
    value = request.headers.get(name, "")
    if not value.isdigit():
        raise UploadRefused(_("The %(header)s header must be a whole number of bytes.") % {"header": name})
    return int(value)


def _expires(upload: Upload) -> str:
    expires = upload.created_at + datetime.timedelta(hours=settings.DATA_FILES_UPLOAD_EXPIRY_HOURS)
    return http_date(expires.timestamp())


def _tus_response(status: int, headers: dict | None = None, detail: str = "") -> Response:
    response = Response({"detail": detail} if detail else None, status=status)
    for key, value in {**TUS_HEADERS, **(headers or {})}.items():
        response[key] = value
    return response


class TusMixin:
    permission_classes = [IsAuthenticated]
    parser_classes = [OctetStreamParser]

    def handle_exception(self, exc):
        if isinstance(exc, UploadRefused):
            return _tus_response(exc.status, detail=exc.messages[0])
        if isinstance(exc, DjangoPermissionDenied):
            exc = PermissionDenied(str(exc))
        response = super().handle_exception(exc)
        response["Tus-Resumable"] = TUS_VERSION
        return response

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method != "OPTIONS" and request.headers.get("Tus-Resumable") != TUS_VERSION:
            raise UploadRefused(_("This endpoint speaks tus %(version)s (send Tus-Resumable: %(version)s).")
                                % {"version": TUS_VERSION}, status=412)

    def options(self, request, *args, **kwargs):
        return _tus_response(204, {"Tus-Version": TUS_VERSION, "Tus-Extension": "creation,termination,expiration",
                                   "Tus-Max-Size": str(settings.DATA_FILES_MAX_FILE_SIZE)})


class UploadCreateView(TusMixin, APIView):
    @extend_schema(request=None, responses={201: None}, summary="Start a resumable (tus) upload of a file")
    def post(self, request, record_pk: int):
        record = get_object_or_404(ManagedData.objects.visible_to(request.user), pk=record_pk)
        metadata = _metadata(request.headers.get("Upload-Metadata", ""))
        upload = upload_start(record_id=record.pk, actor=request.user,
                              name=metadata.get("filename") or metadata.get("name", ""),
                              length=_int_header(request, "Upload-Length"),
                              declared_sha256=metadata.get("sha256", ""))
        return _tus_response(201, {"Location": request.build_absolute_uri(
            reverse("files:api-upload", args=[upload.pk])), "Upload-Expires": _expires(upload)})


class UploadView(TusMixin, APIView):
    def get_upload(self, upload_id) -> Upload:
        return get_object_or_404(Upload.objects.select_related("record"), pk=upload_id,
                                 created_by=self.request.user)

    @extend_schema(request=None, responses={200: None}, summary="Offset of a resumable upload")
    def head(self, request, upload_id):
        upload = self.get_upload(upload_id)
        return _tus_response(200, {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length),
                                   "Upload-Expires": _expires(upload), "Cache-Control": "no-store"})

    @extend_schema(request=None, responses={204: None}, summary="Send bytes of a resumable upload")
    def patch(self, request, upload_id):
        if request.content_type != OctetStreamParser.media_type:
            raise UploadRefused(_("Send the bytes as application/offset+octet-stream."), status=415)
        upload = self.get_upload(upload_id)
        result = upload_append(upload=upload, actor=request.user, offset=_int_header(request, "Upload-Offset"),
                               stream=request.stream, length=_int_header(request, "Content-Length"))
        if isinstance(result, DataFile):
            return _tus_response(204, {"Upload-Offset": str(result.size),
                                       "Content-Location": request.build_absolute_uri(
                                           reverse("files:api-files-list", args=[result.record_id]))})
        return _tus_response(204, {"Upload-Offset": str(result.offset), "Upload-Expires": _expires(result)})

    @extend_schema(request=None, responses={204: None}, summary="Discard a resumable upload")
    def delete(self, request, upload_id):
        upload_abort(upload=self.get_upload(upload_id), actor=request.user)
        return _tus_response(204)

import re

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from metadata.models import ManagedData

from .models import DataFile
from .services import UploadRefused, data_file_delete, download_log
from .storage import BLOCK, data_file_storage, is_object_storage

RANGE = re.compile(r"bytes=(\d*)-(\d*)")


class DataFileDownloadView(APIView):
    """The bytes of one file, to viewers with data access only: streamed with HTTP Range support from the
    local file system, or a redirect to a short-lived presigned URL issued after the check (S3). A DRF view
    so that scripts authenticate with their API token as in the rest of the API."""

    permission_classes = [AllowAny]

    @extend_schema(responses={(200, "application/octet-stream"): bytes, 302: None, 206: bytes},
                   summary="Download a data file (HTTP Range supported; S3: redirect to a presigned URL)")
    def get(self, request, pk: int, file_id: int):
        user = request.user
        record = get_object_or_404(ManagedData.objects.visible_to(user).with_data_access(user), pk=pk)
        data_file = get_object_or_404(DataFile, pk=file_id, record=record)
        if not record.data_access:
            if not user.is_authenticated:
                raise NotAuthenticated(_("Sign in: the data of this record go only to named people."))
            raise PermissionDenied(_("The data of this record are not available to you."))
        return data_file_response(request, data_file)


def data_file_response(request, data_file: DataFile):
    first = RANGE.fullmatch(request.headers.get("Range", "").strip())
    if not first or first[1] == "0":  # a resumed or seeking client is not a new download
        download_log(data_file=data_file, user=request.user)
    if is_object_storage():
        url = data_file_storage.url(data_file.file.name, parameters={
            "ResponseContentDisposition": content_disposition_header(True, data_file.name),
            "ResponseContentType": data_file.media_type,
        })
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "no-store"
        return response
    return _ranged_response(request, data_file)


def _ranged_response(request, data_file: DataFile):
    size, etag = data_file.size, f'"{data_file.sha256}"'
    start, end, status = 0, size - 1, 200
    match = RANGE.fullmatch(request.headers.get("Range", "").strip())
    if_range = request.headers.get("If-Range")
    if match and (match[1] or match[2]) and (if_range is None or if_range == etag):
        if match[1]:
            start, end = int(match[1]), min(int(match[2]) if match[2] else size - 1, size - 1)
        else:
            start = max(size - int(match[2]), 0)
        if start > end:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        status = 206
    length = max(end - start + 1, 0)
    response = StreamingHttpResponse(_stream(data_file.file.name, start, length), status=status,
                                     content_type=data_file.media_type)
    response["Content-Length"] = str(length)
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    response["Content-Disposition"] = content_disposition_header(True, data_file.name)
    response["Cache-Control"] = "private, no-transform"
    if status == 206:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    return response


def _stream(key: str, start: int, length: int):
    with data_file_storage.open(key, "rb") as f:
        f.seek(start)
        while length > 0:
            data = f.read(min(BLOCK, length))
            if not data:
                return
            length -= len(data)
            yield data


@require_POST
def data_file_delete_view(request, pk: int, file_id: int):
    record = get_object_or_404(ManagedData.objects.visible_to(request.user), pk=pk)
    data_file = get_object_or_404(DataFile, pk=file_id, record=record)
    try:
        data_file_delete(data_file=data_file, actor=request.user)
    except UploadRefused as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Deleted the file “%(name)s”.") % {"name": data_file.name})
    return redirect(record)

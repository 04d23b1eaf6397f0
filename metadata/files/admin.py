from django.contrib import admin

from .models import DataFile, Download, Upload


@admin.register(DataFile)
class DataFileAdmin(admin.ModelAdmin):
    list_display = ["name", "record", "size", "media_type", "uploaded_by", "uploaded_at"]
    list_select_related = ["record", "uploaded_by"]
    search_fields = ["name", "sha256", "md5"]
    raw_id_fields = ["record", "uploaded_by"]
    readonly_fields = ["size", "sha256", "md5", "media_type", "file", "uploaded_by", "uploaded_at"]


@admin.register(Upload)
class UploadAdmin(admin.ModelAdmin):
    list_display = ["name", "record", "offset", "length", "created_by", "created_at"]
    list_select_related = ["record", "created_by"]
    readonly_fields = ["record", "name", "length", "offset", "declared_sha256", "key", "multipart_id", "parts",
                       "created_by", "created_at"]


@admin.register(Download)
class DownloadAdmin(admin.ModelAdmin):
    list_display = ["file", "record", "user", "at"]
    list_select_related = ["file", "record", "user"]
    list_filter = ["at"]
    readonly_fields = ["record", "file", "user", "at"]

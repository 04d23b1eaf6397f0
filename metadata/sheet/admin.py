from django.contrib import admin

from .models import SheetImport


@admin.register(SheetImport)
class SheetImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "user", "status", "dry_run", "total_rows", "created_at", "finished_at"]
    list_filter = ["status", "dry_run"]
    search_fields = ["filename", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "filename", "dry_run", "language", "status", "total_rows", "processed_rows", "result",
                       "created_at", "finished_at"]
    exclude = ["content"]

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CurationEvent, ManagedData, RecordPerson


class RecordPersonInline(admin.TabularInline):
    model = RecordPerson
    extra = 0
    autocomplete_fields = ["user"]


class CurationEventInline(admin.TabularInline):
    model = CurationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "message", "at", "duty_override"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ManagedData)
class ManagedDataAdmin(SimpleHistoryAdmin):
    list_display = ["title_ja", "title_en", "project", "status", "access_right", "metadata_access", "updated_at"]
    list_filter = ["status", "access_right", "metadata_access", "data_type", "institution"]
    list_select_related = ["project", "institution"]
    search_fields = ["title_ja", "title_en", "data_no", "project__grant_number"]
    autocomplete_fields = ["project", "institution", "created_by", "shared_with"]
    readonly_fields = ["status", "datestamp", "published_at", "embargo_lifted_at", "created_at", "updated_at"]
    inlines = [RecordPersonInline, CurationEventInline]


from .deposit import admin as deposit_admin  # noqa: E402, F401  (registers the deposit admin)

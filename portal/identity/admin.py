from django.contrib import admin

from .models import FederationIdP, FederationMetadata, Identity, InstitutionIdP


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "provider", "key", "issuer", "created_at", "last_used_at"]
    list_filter = ["provider"]
    list_select_related = ["user"]
    search_fields = ["user__email", "key", "issuer", "display_name"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "last_used_at"]


@admin.register(InstitutionIdP)
class InstitutionIdPAdmin(admin.ModelAdmin):
    list_display = ["entity_id", "institution", "scope", "researcher_affiliations"]
    list_select_related = ["institution"]
    search_fields = ["entity_id", "scope", "institution__name_ja", "institution__name_en", "institution__code"]
    autocomplete_fields = ["institution"]


class FederationIdPInline(admin.TabularInline):
    model = FederationIdP
    extra = 0
    can_delete = False
    fields = readonly_fields = ["entity_id", "name_ja", "name_en", "scopes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FederationMetadata)
class FederationMetadataAdmin(admin.ModelAdmin):
    """Filled by the refresh job only: the operator reads the state and the last error here."""

    list_display = ["url", "fetched_at", "valid_until", "checked_at", "last_error"]
    search_fields = ["url", "last_error"]
    readonly_fields = ["url", "valid_until", "fetched_at", "checked_at", "last_error"]
    exclude = ["xml"]
    inlines = [FederationIdPInline]

    def has_add_permission(self, request):
        return False


@admin.register(FederationIdP)
class FederationIdPAdmin(admin.ModelAdmin):
    list_display = ["entity_id", "name_ja", "name_en", "scopes", "metadata"]
    search_fields = ["entity_id", "name_ja", "name_en", "scopes"]
    readonly_fields = ["metadata", "entity_id", "name_ja", "name_en", "scopes"]

    def has_add_permission(self, request):
        return False

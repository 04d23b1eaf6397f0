from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Department, Funder, Institution, Notification, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["institution", "department", "funder"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "family_name_ja", "given_name_ja", "family_name_en", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_superuser", "is_active", "preferred_language", "role_assignments__role"]
    search_fields = ["email", "family_name_ja", "given_name_ja", "family_name_en", "given_name_en",
                     "erad_researcher_number", "orcid"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("family_name_ja", "given_name_ja", "family_name_en", "given_name_en")}),
        (_("Researcher identifiers"), {"fields": ("erad_researcher_number", "orcid")}),
        (_("Preferences"), {"fields": ("preferred_language",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "kind", "runs_repository"]
    list_filter = ["kind", "runs_repository"]
    search_fields = ["code", "name_ja", "name_en", "ror"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "institution"]
    list_filter = ["institution__kind"]
    list_select_related = ["institution"]
    search_fields = ["name_ja", "name_en", "institution__name_ja", "institution__name_en"]
    autocomplete_fields = ["institution"]


@admin.register(Funder)
class FunderAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ja", "name_en", "erad_code", "crossref_funder_id"]
    search_fields = ["code", "name_ja", "name_en", "erad_code"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "institution", "department", "funder"]
    list_filter = ["role", "institution__kind"]
    list_select_related = ["user", "institution", "department", "funder"]
    search_fields = ["user__email", "institution__name_ja", "institution__name_en", "funder__code"]
    autocomplete_fields = ["user", "institution", "department", "funder"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "user", "created_at", "emailed_at"]
    list_filter = ["emailed_at"]
    list_select_related = ["user"]
    search_fields = ["subject", "user__email"]
    readonly_fields = ["created_at", "emailed_at"]

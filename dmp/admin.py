from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Project, ProjectMember


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ["grant_number", "name_ja", "name_en", "program", "institution", "pi"]
    list_filter = ["institution", "program__funder", "research_field"]
    list_select_related = ["program", "institution", "pi"]
    search_fields = ["grant_number", "name_ja", "name_en", "pi__email"]
    autocomplete_fields = ["institution", "department", "program", "pi"]
    inlines = [ProjectMemberInline]

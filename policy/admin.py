from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DataPolicy, FundingProgram, ProgramRequirement


class ProgramRequirementInline(admin.TabularInline):
    model = ProgramRequirement
    extra = 0


@admin.register(FundingProgram)
class FundingProgramAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "funder", "code", "competitive"]
    list_filter = ["funder", "competitive"]
    list_select_related = ["funder"]
    search_fields = ["name_ja", "name_en", "code", "funder__code"]
    inlines = [ProgramRequirementInline]


@admin.register(ProgramRequirement)
class ProgramRequirementAdmin(admin.ModelAdmin):
    list_display = ["program", "fiscal_year", "dmp_required", "metadata_required"]
    list_filter = ["fiscal_year", "dmp_required", "metadata_required", "program__funder"]
    list_select_related = ["program"]
    search_fields = ["program__name_ja", "program__name_en"]
    autocomplete_fields = ["program"]


@admin.register(DataPolicy)
class DataPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["title_ja", "institution", "version", "status", "adopted_on"]
    list_filter = ["status", "institution__kind"]
    list_select_related = ["institution"]
    search_fields = ["title_ja", "title_en", "institution__name_ja", "institution__name_en"]
    autocomplete_fields = ["institution"]

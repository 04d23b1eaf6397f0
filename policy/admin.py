from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .forms import PolicyDocumentInput
from .models import DataPolicy, FundingProgram, ProgramRequirement
from .services import data_policy_adopt


class ProgramRequirementInline(admin.TabularInline):
    model = ProgramRequirement
    extra = 0
    ordering = ["-fiscal_year"]


@admin.register(FundingProgram)
class FundingProgramAdmin(admin.ModelAdmin):
    list_display = ["name_ja", "name_en", "funder", "code", "competitive", "requirement_years"]
    list_filter = ["funder", "competitive", "requirements__fiscal_year", "requirements__dmp_required"]
    list_select_related = ["funder"]
    search_fields = ["name_ja", "name_en", "code", "funder__code"]
    autocomplete_fields = ["funder"]
    fieldsets = [
        (None, {"fields": ["funder", "competitive"]}),
        (_("Names"), {"fields": ["name_ja", "name_en", "code"]}),
    ]
    inlines = [ProgramRequirementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(requirement_count=Count("requirements"))

    @admin.display(description=_("fiscal years recorded"), ordering="requirement_count")
    def requirement_years(self, obj):
        return obj.requirement_count


@admin.register(ProgramRequirement)
class ProgramRequirementAdmin(admin.ModelAdmin):
    list_display = ["program", "funder", "fiscal_year", "dmp_required", "metadata_required"]
    list_filter = ["fiscal_year", "dmp_required", "metadata_required", "program__funder", "program__competitive"]
    list_select_related = ["program__funder"]
    search_fields = ["program__name_ja", "program__name_en", "program__code"]
    autocomplete_fields = ["program"]

    @admin.display(description=_("funder"), ordering="program__funder__code")
    def funder(self, obj):
        return obj.program.funder.code


@admin.register(DataPolicy)
class DataPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["title_ja", "institution", "version", "status", "adopted_on"]
    list_filter = ["status", "institution__kind"]
    list_select_related = ["institution"]
    search_fields = ["title_ja", "title_en", "institution__name_ja", "institution__name_en"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["status", "adopted_on"]
    fieldsets = [
        (None, {"fields": ["institution", "version", "status", "adopted_on"]}),
        (_("Title and summary"), {"fields": ["title_ja", "title_en", "summary_ja", "summary_en"]}),
        (_("Document"), {"fields": ["document", "document_url"]}),
    ]
    actions = ["adopt"]
    formfield_overrides = {models.FileField: {"widget": PolicyDocumentInput}}

    @admin.action(description=_("Adopt the selected draft (supersedes the adopted policy)"))
    def adopt(self, request, queryset):
        for policy in queryset:
            try:
                data_policy_adopt(policy_id=policy.pk, actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{policy}: {' '.join(exc.messages) if hasattr(exc, 'messages') else exc}",
                                  messages.ERROR)
            else:
                self.message_user(request, _("Adopted: %(policy)s") % {"policy": policy}, messages.SUCCESS)

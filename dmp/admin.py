import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DMP,
    DMPTemplate,
    DMPTransition,
    DMPVersion,
    Project,
    ProjectMember,
    ReviewComment,
    TemplateQuestion,
    TemplateSection,
)
from .selectors import template_export
from .services import template_import, template_new_version, template_publish


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


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    extra = 0
    show_change_link = True
    fields = ["position", "title_ja", "title_en"]


class TemplateQuestionInline(admin.StackedInline):
    model = TemplateQuestion
    extra = 0
    fields = [("key", "type", "required", "position"), ("label_ja", "label_en"), ("guidance_ja", "guidance_en"),
              "options", "columns", ("project_field", "element", "madmp")]


class PublishedIsReadOnly:
    """A published template (and its sections and questions) never changes: make a new version."""

    def _template_of(self, obj):
        return obj if isinstance(obj, DMPTemplate) else getattr(obj, "template", None)

    def has_change_permission(self, request, obj=None):
        template = self._template_of(obj) if obj else None
        return super().has_change_permission(request, obj) and not (template and template.is_published)

    def has_delete_permission(self, request, obj=None):
        template = self._template_of(obj) if obj else None
        return super().has_delete_permission(request, obj) and not (template and template.is_published)


class TemplateImportForm(forms.Form):
    file = forms.FileField(label=_("Template JSON file"))


@admin.register(DMPTemplate)
class DMPTemplateAdmin(PublishedIsReadOnly, admin.ModelAdmin):
    list_display = ["key", "version", "title_ja", "funder", "institution", "status", "published_at"]
    list_filter = ["status", "funder", "institution"]
    list_select_related = ["funder", "institution"]
    search_fields = ["key", "title_ja", "title_en"]
    autocomplete_fields = ["funder", "institution", "programs"]
    readonly_fields = ["status", "published_at"]
    fieldsets = [
        (None, {"fields": ["key", "version", "status", "published_at"]}),
        (_("Titles"), {"fields": ["title_ja", "title_en", "description_ja", "description_en"]}),
        (_("Owner and programs"), {"fields": ["funder", "institution", "programs"]}),
    ]
    inlines = [TemplateSectionInline]
    actions = ["publish", "new_version", "export_json"]

    def get_urls(self):
        return [path("import/", self.admin_site.admin_view(self.import_json), name="dmp_dmptemplate_import"),
                *super().get_urls()]

    @admin.action(description=_("Publish the selected templates"))
    def publish(self, request, queryset):
        for template in queryset:
            template_publish(template=template)
        self.message_user(request, _("Published."), messages.SUCCESS)

    @admin.action(description=_("Make a new draft version of the selected templates"))
    def new_version(self, request, queryset):
        for template in queryset:
            new = template_new_version(template=template)
            self.message_user(request, _("Created %(template)s.") % {"template": new}, messages.SUCCESS)

    @admin.action(description=_("Export the selected templates as JSON"))
    def export_json(self, request, queryset):
        data = [template_export(template=t) for t in queryset]
        response = HttpResponse(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=1),
                                content_type="application/json")
        response["Content-Disposition"] = 'attachment; filename="dmp-templates.json"'
        return response

    def import_json(self, request):
        form = TemplateImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                data = json.loads(form.cleaned_data["file"].read().decode("utf-8"))
                for item in data if isinstance(data, list) else [data]:
                    template = template_import(data=item, publish=False)
                    self.message_user(request, _("Imported %(template)s as a draft.") % {"template": template})
                return redirect("admin:dmp_dmptemplate_changelist")
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                form.add_error("file", _("This is not a JSON file: %(reason)s") % {"reason": error})
            except ValidationError as error:
                for path_, errors in error.message_dict.items():
                    form.add_error("file", f"{path_}: {' '.join(errors)}")
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta,
                   "title": _("Import a DMP template")}
        return render(request, "admin/dmp/dmptemplate_import.html", context)


@admin.register(TemplateSection)
class TemplateSectionAdmin(PublishedIsReadOnly, admin.ModelAdmin):
    list_display = ["title_ja", "template", "position"]
    list_select_related = ["template"]
    search_fields = ["title_ja", "title_en", "template__key"]
    inlines = [TemplateQuestionInline]


class DMPVersionInline(admin.TabularInline):
    model = DMPVersion
    extra = 0
    can_delete = False
    fields = readonly_fields = ["number", "submitted_at", "submitted_by", "template"]

    def has_add_permission(self, request, obj=None):
        return False


class DMPTransitionInline(admin.TabularInline):
    model = DMPTransition
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "actor", "action", "from_status", "to_status", "message", "version",
                                "duty_override"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DMP)
class DMPAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "project", "status", "template", "submitted_at", "updated_at"]
    list_filter = ["status", "project__institution", "project__program__funder", "template"]
    list_select_related = ["project", "template"]
    search_fields = ["title", "project__grant_number", "project__name_ja", "project__name_en"]
    autocomplete_fields = ["project", "created_by"]
    readonly_fields = ["status", "approved_version", "submitted_at", "created_at", "updated_at", "template"]
    inlines = [DMPVersionInline, DMPTransitionInline]


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ["version", "question_key", "author", "created_at", "resolved_at"]
    list_select_related = ["version", "author"]
    search_fields = ["body", "question_key"]
    readonly_fields = ["version", "question_key", "author", "created_at", "resolved_at", "resolved_by"]

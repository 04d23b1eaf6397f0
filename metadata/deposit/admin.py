from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DepositCopy, DepositJob, Repository
from .services import deposit_job_retry


class RepositoryForm(forms.ModelForm):
    """The token or password is write-only: typed here, stored encrypted, never shown again."""

    secret = forms.CharField(
        label=_("token or password"), required=False, strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the current one."),
    )

    class Meta:
        model = Repository
        fields = ["institution", "kind", "name_ja", "name_en", "base_url", "collection", "package", "username",
                  "is_active"]
        field_classes = {"base_url": partial(forms.URLField, assume_scheme="https")}


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    form = RepositoryForm
    list_display = ["name_ja", "name_en", "kind", "institution", "base_url", "is_active", "has_secret"]
    list_filter = ["kind", "is_active", "institution"]
    list_select_related = ["institution"]
    search_fields = ["name_ja", "name_en", "base_url", "collection"]
    autocomplete_fields = ["institution"]
    fieldsets = [
        (None, {"fields": ["institution", "kind", "name_ja", "name_en", "is_active"]}),
        (_("Connection"), {"fields": ["base_url", "collection", "package", "username", "secret"]}),
    ]

    @admin.display(boolean=True, description=_("credentials set"))
    def has_secret(self, obj):
        return obj.has_secret

    def save_model(self, request, obj, form, change):
        if form.cleaned_data.get("secret"):
            obj.set_secret(form.cleaned_data["secret"])
        super().save_model(request, obj, form, change)


@admin.register(DepositJob)
class DepositJobAdmin(admin.ModelAdmin):
    list_display = ["record", "repository", "state", "step", "attempts", "created_at", "finished_at"]
    list_filter = ["state", "repository", "created_at"]
    list_select_related = ["record", "repository"]
    search_fields = ["record__title_ja", "record__title_en", "remote_id", "doi"]
    readonly_fields = ["record", "repository", "key", "state", "step", "attempts", "next_retry_at", "lease_until",
                       "last_error", "remote_id", "previous_remote_id", "remote", "landing_url", "doi", "created_by",
                       "created_at",
                       "started_at", "finished_at", "updated_at"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Retry the selected failed or waiting deposits"))
    def retry(self, request, queryset):
        done = 0
        for job in queryset.filter(state__in=[DepositJob.State.FAILED, DepositJob.State.WAITING]):
            try:
                deposit_job_retry(job_id=job.pk, actor=request.user)
                done += 1
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        self.message_user(request, ngettext("%(count)d deposit queued again.", "%(count)d deposits queued again.",
                                            done) % {"count": done})


@admin.register(DepositCopy)
class DepositCopyAdmin(admin.ModelAdmin):
    """Read only: copies come from deposits; the primary one is chosen on the record's page."""

    list_display = ["record", "repository_name_ja", "version", "doi", "landing_url", "deposited_at", "is_primary"]
    list_filter = ["is_primary", "repository", "deposited_at"]
    list_select_related = ["record", "repository"]
    search_fields = ["record__title_ja", "record__title_en", "remote_id", "doi", "landing_url"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

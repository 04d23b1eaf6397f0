from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheetConfig(AppConfig):
    name = "metadata.sheet"
    label = "sheet"
    verbose_name = _("Metadata sheet")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the import task, which services queue by its name)

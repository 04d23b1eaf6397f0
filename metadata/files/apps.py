from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilesConfig(AppConfig):
    name = "metadata.files"
    label = "files"
    verbose_name = _("Data files")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import storage  # noqa: F401  (connects the storage reset on settings changes)

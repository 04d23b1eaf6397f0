from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetadataConfig(AppConfig):
    name = "metadata"
    verbose_name = _("Managed data and metadata")

    def ready(self):
        from . import receivers  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetadataConfig(AppConfig):
    name = "metadata"
    verbose_name = _("Managed data and metadata")

    def ready(self):
        from dmp.selectors import managed_data_reads_register
        from portal import inbox

        from . import receivers  # noqa: F401
        from .selectors import DMP_DATASETS, inbox_sections

        inbox.register(inbox_sections)
        managed_data_reads_register(DMP_DATASETS)

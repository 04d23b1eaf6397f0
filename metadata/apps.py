from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetadataConfig(AppConfig):
    name = "metadata"
    verbose_name = _("Managed data and metadata")

    def ready(self):
        from dmp.selectors import managed_data_reads_register

        from .selectors import DMP_DATASETS

        managed_data_reads_register(DMP_DATASETS)

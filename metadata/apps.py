from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetadataConfig(AppConfig):
    name = "metadata"
    verbose_name = _("Managed data and metadata")

    def ready(self):
        from django.db.models.signals import post_migrate

        from dmp.selectors import managed_data_reads_register
        from portal import dashboards, inbox

        from . import receivers  # noqa: F401
        from .dashboards.selectors import dashboard_links
        from .db_triggers import install_after_migrate
        from .deposit.selectors import inbox_sections as deposit_inbox
        from .oai import signals  # noqa: F401  (keeps the harvested renderings current)
        from .selectors import DMP_DATASETS, inbox_sections

        inbox.register(inbox_sections)
        inbox.register(deposit_inbox)
        dashboards.register(dashboard_links)
        managed_data_reads_register(DMP_DATASETS)
        post_migrate.connect(install_after_migrate, sender=self)  # the dashboards' copies, kept by the database

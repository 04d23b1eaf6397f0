from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class DmpConfig(AppConfig):
    name = "dmp"
    verbose_name = _("Data management plans")

    def ready(self):
        from portal import dashboards, inbox

        from .aggregates import register_sqlite_functions
        from .dashboards.selectors import dashboard_links
        from .selectors import inbox_sections

        inbox.register(inbox_sections)
        dashboards.register(dashboard_links)

        connection_created.connect(register_sqlite_functions, dispatch_uid="dmp_sqlite_functions")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PolicyConfig(AppConfig):
    name = "policy"
    verbose_name = _("Data policies, funding programs and adoption")

    def ready(self):
        from portal import dashboards

        from .selectors import dashboard_links

        dashboards.register(dashboard_links)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MadmpConfig(AppConfig):
    name = "metadata.madmp"
    label = "madmp"
    verbose_name = _("Machine-actionable DMP")

    def ready(self):
        from dmp.selectors import dmp_tools_register

        from .selectors import DMP_TOOLS

        dmp_tools_register(DMP_TOOLS)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepositConfig(AppConfig):
    name = "metadata.deposit"
    label = "deposit"
    verbose_name = _("Repository deposit")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal import inbox

        from .selectors import inbox_sections

        inbox.register(inbox_sections)

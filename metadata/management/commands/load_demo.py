from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from dmp import demo as dmp_demo
from metadata import demo as metadata_demo
from metadata.deposit import demo as deposit_demo
from policy import demo as policy_demo
from portal import demo as portal_demo


class Command(BaseCommand):
    help = "Load or refresh the demo data (idempotent) and print the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--show-mail", action="store_true",
                            help="Send the notification e-mails the demo workflow causes to the configured "
                                 "backend (the console by default) instead of keeping them quiet.")

    def handle(self, *args, show_mail=False, **options):
        if show_mail:
            accounts = self._load()
        else:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                mail.outbox = before = getattr(mail, "outbox", [])
                sent = len(before)
                accounts = self._load()
                self.stdout.write(f"{len(mail.outbox) - sent} notification e-mails were kept quiet "
                                  "(--show-mail prints them).")
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        for email, role, password in accounts:
            self.stdout.write(f"  {email:<36} {password:<18} {role}")

    def _load(self):
        accounts = portal_demo.load(self.stdout)
        programs = policy_demo.load(self.stdout)
        projects = dmp_demo.load(self.stdout, programs)
        metadata_demo.load(self.stdout, projects)
        dmp_demo.load_dmps(self.stdout, projects)
        deposit_demo.load(self.stdout)
        return accounts

from django.core.management.base import BaseCommand

from dmp import demo as dmp_demo
from metadata import demo as metadata_demo
from metadata.deposit import demo as deposit_demo
from policy import demo as policy_demo
from portal import demo as portal_demo


class Command(BaseCommand):
    help = "Load or refresh the demo data (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        accounts = portal_demo.load(self.stdout)
        programs = policy_demo.load(self.stdout)
        projects = dmp_demo.load(self.stdout, programs)
        metadata_demo.load(self.stdout, projects)
        dmp_demo.load_dmps(self.stdout, projects)
        deposit_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        for email, role, password in accounts:
            self.stdout.write(f"  {email:<36} {password:<18} {role}")

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo as portal_demo


class Command(BaseCommand):
    help = "Load or refresh the demo data (idempotent) and print the demo accounts."

    @transaction.atomic
    def handle(self, *args, **options):
        accounts = portal_demo.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo accounts (sign in at /accounts/login/):"))
        for email, role, password in accounts:
            self.stdout.write(f"  {email:<36} {password:<18} {role}")

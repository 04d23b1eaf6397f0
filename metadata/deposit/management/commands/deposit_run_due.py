from django.core.management.base import BaseCommand

from metadata.deposit.tasks import deposit_jobs_run_due


class Command(BaseCommand):
    help = ("Run the deposits whose retry time has come (and any a dead worker left). Without a broker they run "
            "in this process; with one they are sent to the workers. Run it every minute from cron when there is "
            "no Celery beat.")

    def handle(self, *args, **options):
        count = deposit_jobs_run_due()
        self.stdout.write(f"{count} deposit job(s) run or sent.")

from django.core.management.base import BaseCommand

from metadata.oai.rendering import harvest_refresh_all


class Command(BaseCommand):
    help = ("Render every harvestable record again in every OAI-PMH format (after a change to a format, or once "
            "after installing on a database with records). Datestamps move only where the result differs; "
            "a record rendered for the first time keeps its datestamp.")

    def handle(self, *args, **options):
        changed = harvest_refresh_all(initial=True)
        self.stdout.write(f"{changed} records rendered anew.")

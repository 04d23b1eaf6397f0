import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dmp.services import template_import, template_load_shipped


class Command(BaseCommand):
    help = "Load the shipped DMP templates (dmp/template_data/*.json), or the JSON files given (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="template JSON files exported from the portal")

    def handle(self, *args, files=(), **options):
        try:
            created = ([template_import(data=json.loads(Path(f).read_text(encoding="utf-8"))) for f in files]
                       if files else template_load_shipped())
        except (ValidationError, json.JSONDecodeError) as error:
            raise CommandError(str(error)) from error
        for template in created:
            self.stdout.write(f"loaded {template.key} v{template.version}")

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from policy.services import ProgramImportError, program_import_csv


class Command(BaseCommand):
    help = "Import funding programs and their DMP requirements per fiscal year from a CSV file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path, **options):
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            result = program_import_csv(raw=raw, actor=None)
        except ProgramImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{path}: {len(exc.errors)} problem(s); nothing was imported.") from exc
        self.stdout.write(self.style.SUCCESS(
            f"rows={result.rows} programs_created={result.programs_created} "
            f"programs_updated={result.programs_updated} requirements_created={result.requirements_created} "
            f"requirements_updated={result.requirements_updated}"
        ))

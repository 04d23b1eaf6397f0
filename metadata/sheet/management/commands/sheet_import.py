from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.models import User

from ...services import sheet_import_file


class Command(BaseCommand):
    help = ("Import a metadata sheet (.xlsx or .csv) as a user: create or update records by grant number and "
            "data No., all or nothing. Exits with status 1 and lists the problems if there are any.")

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="e-mail of the user who imports")
        parser.add_argument("--dry-run", action="store_true", help="only report what would change")
        parser.add_argument("--as-drafts", action="store_true", help="new and changed rows may be incomplete")
        parser.add_argument("--language", choices=["ja", "en"], help="language of the messages (default: the user's)")

    def handle(self, *args, path, user, dry_run, as_drafts, language, **options):
        try:
            user = User.objects.get(email=user)
        except User.DoesNotExist:
            raise CommandError(f"No user with the e-mail {user}.") from None
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No file {path}.")
        result = sheet_import_file(user=user, content=file.read_bytes(), filename=file.name, dry_run=dry_run,
                                   as_drafts=as_drafts,
                                   language=language or user.preferred_language,
                                   progress=lambda done: self.stderr.write(f"{done} rows checked"))
        for error in result.errors:
            self.stdout.write(f"row {error['row']}, {error['column']}: {error['value']!r}: {error['reason']}")
        self.stdout.write(f"created={len(result.created)} updated={len(result.updated)} "
                          f"unchanged={result.unchanged} not_yours={result.not_yours} errors={len(result.errors)} "
                          f"dry_run={dry_run}")
        if not result.ok:
            raise CommandError("Nothing was saved.", returncode=1)

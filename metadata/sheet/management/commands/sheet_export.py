from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dmp.models import Project
from portal.models import User

from ...selectors import sheet_records
from ...services import sheet_export_csv, sheet_export_xlsx


class Command(BaseCommand):
    help = "Write the metadata sheet (.xlsx or .csv, by the file's extension) of the records a user may see."

    def add_arguments(self, parser):
        parser.add_argument("path", help="output file, ending in .xlsx or .csv")
        parser.add_argument("--user", required=True, help="e-mail of the user whose view is exported")
        parser.add_argument("--project", help="only this project (Japan Grant Number)")
        parser.add_argument("--status", help="only records in this state (draft, published, …)")
        parser.add_argument("--language", choices=["ja", "en"],
                            help="language of a CSV file, and of the portal layout (default: the user's)")
        parser.add_argument("--portal-layout", action="store_true",
                            help="the portal's layout (both languages, portal-only elements), not the official one")

    def handle(self, *args, path, user, project, status, language, portal_layout, **options):
        try:
            user = User.objects.get(email=user)
        except User.DoesNotExist:
            raise CommandError(f"No user with the e-mail {user}.") from None
        project_id = None
        if project:
            found = Project.objects.visible_to(user).filter(grant_number=project).first()
            if found is None:
                raise CommandError(f"No project {project} that {user.email} may see.")
            project_id = found.pk
        records = sheet_records(user=user, project_id=project_id, status=status)
        language = language or user.preferred_language
        layout_name = "portal" if portal_layout else "official"
        if path.lower().endswith(".csv"):
            content = sheet_export_csv(records=records, language=language, layout_name=layout_name)
        elif path.lower().endswith(".xlsx"):
            content = sheet_export_xlsx(records=records, language=language, layout_name=layout_name)
        else:
            raise CommandError("The output file must end in .xlsx or .csv.")
        Path(path).write_bytes(content)
        self.stdout.write(f"wrote {records.count()} record(s) to {path}")

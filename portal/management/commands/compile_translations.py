from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile every .po file of the project to .mo (pure Python; no gettext tools needed)."

    def handle(self, *args, **options):
        roots = [settings.BASE_DIR / app for app in ("locale", "portal", "policy", "dmp", "metadata")]
        count = 0
        for root in roots:
            for po_path in Path(root).glob("**/LC_MESSAGES/*.po"):
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"compiled {count} translation file(s)")

import polib
from django.conf import settings


def test_dmp_catalogue_never_translates_a_shared_message_differently():
    """Django merges every app's catalogue, and dmp comes before metadata in INSTALLED_APPS: a msgid
    translated differently here would change another app's pages."""
    mine = {e.msgid: e.msgstr for e in polib.pofile(str(settings.BASE_DIR / "dmp/locale/ja/LC_MESSAGES/django.po"))}
    others = [p for p in settings.BASE_DIR.glob("*/locale/ja/LC_MESSAGES/django.po") if p.parts[-5] != "dmp"]
    clashes = [(p.parts[-5], e.msgid) for p in [*others, settings.BASE_DIR / "locale/ja/LC_MESSAGES/django.po"]
               for e in polib.pofile(str(p)) if e.msgid in mine and not e.msgctxt and e.msgstr != mine[e.msgid]]
    assert clashes == []

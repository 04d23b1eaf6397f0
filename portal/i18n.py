"""Bilingual data: paired `<field>_ja` / `<field>_en` columns, read in the active language; the labels of
the kinds of change in django-simple-history's records (its own labels have no Japanese)."""

from django.utils.translation import get_language, pgettext_lazy

HISTORY_KINDS = {"+": pgettext_lazy("history", "Created"), "~": pgettext_lazy("history", "Changed"),
                 "-": pgettext_lazy("history", "Deleted")}


def current_language() -> str:
    return "en" if (get_language() or "ja").startswith("en") else "ja"


def pick(obj, field: str) -> str:
    """The value of `field` in the active language, falling back to the other language (`obj` is a model
    instance, or a dict with `<field>_ja` / `<field>_en` keys)."""
    first, second = ("en", "ja") if current_language() == "en" else ("ja", "en")
    if isinstance(obj, dict):
        return obj.get(f"{field}_{first}") or obj.get(f"{field}_{second}") or ""
    return getattr(obj, f"{field}_{first}") or getattr(obj, f"{field}_{second}")


def history_kind(entry) -> str:
    """The kind of change of a history record (`history_type` + ~ -), in the active language."""
    return str(HISTORY_KINDS.get(entry.history_type, entry.history_type))

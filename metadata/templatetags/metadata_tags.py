import json

from django import template
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe

from metadata.vocabularies import ACCESS_RIGHT_SLUG

register = template.Library()


@register.filter
def jsonld(value) -> str:
    """A JSON-LD data block, escaped like Django's json_script so that no text can close the script."""
    text = json.dumps(value, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.filter
def access_slug(value: str) -> str:
    return ACCESS_RIGHT_SLUG.get(value, "")

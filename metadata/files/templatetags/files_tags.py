from django import template
from django.conf import settings

from ..permissions import can_change_files
from ..selectors import data_files_of

register = template.Library()


@register.inclusion_tag("files/_record_files.html", takes_context=True)
def record_files_section(context, record):
    """The Files section of a record page: the list for whoever sees the record, download links for viewers
    with data access (`record` comes from `with_data_access`), the uploader for its people while editable."""
    user = context["request"].user
    return {
        "record": record, "files": data_files_of(record.pk), "data_access": getattr(record, "data_access", False),
        "can_change": can_change_files(user, record), "max_file_size": settings.DATA_FILES_MAX_FILE_SIZE,
        "chunk_size": settings.DATA_FILES_PART_SIZE * 8, "request": context["request"],
        "csrf_token": context.get("csrf_token"), "LANGUAGE_CODE": context.get("LANGUAGE_CODE"),
    }

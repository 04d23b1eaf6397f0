from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def managed_data_create_url(project_id) -> str:
    """The managed-data page that adds a draft record to a project (metadata app)."""
    try:
        return f"{reverse('metadata:managed-data-create')}?project={project_id}"
    except NoReverseMatch:
        return f"/data/new/?project={project_id}"


@register.simple_tag
def managed_data_edit_url(record_id) -> str:
    try:
        return reverse("metadata:managed-data-edit", args=[record_id])
    except NoReverseMatch:
        return f"/data/{record_id}/edit/"


@register.filter
def bound_field(form, key):
    """`form[key]` for a key held in a variable (None when the form has no such field)."""
    return form[key] if key in form.fields else None

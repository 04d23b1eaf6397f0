from django import template

from dmp.selectors import dmp_tool_links, managed_data_reads

register = template.Library()


@register.simple_tag
def managed_data_create_url(project) -> str:
    """The page that adds a draft record to `project` (metadata provides it, see `ManagedDataReads`)."""
    return managed_data_reads().create_url(project=project)


@register.simple_tag
def dmp_tools(dmp=None) -> list[tuple[str, str]]:
    """The buttons other apps add to `dmp`'s page (or, without `dmp`, to the list of DMPs)."""
    return dmp_tool_links(dmp=dmp)


@register.filter
def bound_field(form, key):
    """`form[key]` for a key held in a variable (None when the form has no such field)."""
    return form[key] if key in form.fields else None

from django import template

from portal.i18n import history_kind

register = template.Library()
register.filter("history_kind", history_kind)


@register.inclusion_tag("includes/saved_filters.html", takes_context=True)
def saved_filters(context, queue: str):
    """The user's saved filters of `queue` (links and delete buttons) and a form to save the current one."""
    request = context["request"]
    return {"request": request, "csrf_token": context.get("csrf_token"), "queue": queue,
            "query": context.get("query", ""), "saved": request.user.saved_filters.filter(queue=queue)}

from django import template

from portal.i18n import history_kind

register = template.Library()
register.filter("history_kind", history_kind)

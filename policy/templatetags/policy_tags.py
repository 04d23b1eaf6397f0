from django import template

from policy.models import change_reason_label

register = template.Library()
register.filter("change_reason", change_reason_label)

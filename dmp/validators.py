"""Format rules for one answer of one question. Forms and the API both go through `clean_answer`."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.validators import validate_text

from .models import QuestionType

SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
NOT_ANSWERED = (QuestionType.MANAGED_DATA,)


def is_answered_by_project(question) -> bool:
    return bool(question.project_field) or question.type in NOT_ANSWERED


def clean_answer(question, value):
    """The stored (JSON) form of `value` for `question`; "" / [] for no answer. Raises ValidationError."""
    if value is None:
        value = [] if question.type == QuestionType.MULTI_CHOICE else ""
    if question.type == QuestionType.MULTI_CHOICE:
        if isinstance(value, str):
            value = [value] if value else []
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Choose from the list."), code="invalid_choice")
        allowed = {o["value"] for o in question.options}
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": unknown[0]},
                                  code="invalid_choice")
        return [o["value"] for o in question.options if o["value"] in value]
    if not isinstance(value, str | int | float | Decimal | datetime.date):
        raise ValidationError(_("Give a single value."), code="invalid")
    if isinstance(value, datetime.date):
        value = value.isoformat()
    value = str(value).strip()
    if value == "":
        return ""
    validate_text(value)
    if question.type == QuestionType.CHOICE and value not in {o["value"] for o in question.options}:
        raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": value}, code="invalid_choice")
    if question.type == QuestionType.YES_NO and value not in ("yes", "no"):
        raise ValidationError(_("Answer yes or no."), code="invalid_yes_no")
    if question.type == QuestionType.DATE:
        match = SLASH_DATE.match(value)
        if match:
            value = "{}-{:0>2}-{:0>2}".format(*match.groups())
        try:
            return datetime.date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date as YYYY-MM-DD (or YYYY/MM/DD)."), code="invalid_date") from None
    if question.type == QuestionType.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("Enter a number."), code="invalid_number") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number."), code="invalid_number")
        return str(number)
    return value

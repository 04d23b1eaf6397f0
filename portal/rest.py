"""The API's glue, once: the error adapter (services raise Django's ValidationError and PermissionDenied; the API
answers 400 with field errors and 403, whichever endpoint called the service), and a JSON parser and renderer
that survive what a client may send: nesting deeper than Python's stack, lone surrogates echoed in an error."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import exception_handler

MAX_JSON_DEPTH = 32  # far more than any request body of this API needs


def json_depth(value) -> int:
    """How deeply `value` nests lists and objects, without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def as_drf_validation_error(error: DjangoValidationError) -> ValidationError:
    """Field errors stay keyed by field; errors of the whole object go under `non_field_errors`."""
    if hasattr(error, "error_dict"):
        return ValidationError(error.message_dict)
    return ValidationError({"non_field_errors": error.messages})


def api_exception_handler(exc, context):
    """DRF's handler (Http404 is a 404), with the service's own reason kept in a 403."""
    if isinstance(exc, DjangoValidationError):
        exc = as_drf_validation_error(exc)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = PermissionDenied(str(exc) or None)
    return exception_handler(exc, context)


class BoundedJSONParser(JSONParser):
    """JSON bodies nested deeper than MAX_JSON_DEPTH are refused with 400 (Python's own parser would raise
    RecursionError, a 500, on a few thousand brackets)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
            depth = MAX_JSON_DEPTH + 1
        else:
            depth = json_depth(data)
        if depth > MAX_JSON_DEPTH:
            raise ParseError(_("The JSON is nested too deeply (more than %(depth)d levels).")
                             % {"depth": MAX_JSON_DEPTH})
        return data


class SafeJSONRenderer(JSONRenderer):
    """JSON in UTF-8 as usual; should a response echo a lone surrogate the client sent (in an error message,
    say), it is written as a \\u escape instead of failing to encode."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            self.ensure_ascii = True
            return super().render(data, accepted_media_type, renderer_context)

from django.http import HttpResponseBadRequest, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over Accept-Language; anonymous visitors keep what
    LocaleMiddleware chose (the language cookie, then Accept-Language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL in a URL or a query parameter never names anything, and PostgreSQL cannot even compare with it:
    answer 400 before any view runs. The OAI-PMH endpoint answers badArgument itself, as the protocol wants."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != reverse("oai:endpoint") and (
            "\x00" in request.path or any("\x00" in key or "\x00" in "".join(values)
                                          for key, values in request.GET.lists())
        ):
            message = _("The address contains a NUL character.")
            if request.path.startswith("/api/"):  # API clients get the API's error shape
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)

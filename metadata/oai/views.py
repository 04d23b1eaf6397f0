from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .protocol import oai_response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def oai_endpoint(request):
    """OAI-PMH over GET (query string) or POST (form-encoded body)."""
    params = request.POST if request.method == "POST" else request.GET
    body = oai_response(params=dict(params.lists()), base_url=settings.PORTAL_BASE_URL.rstrip("/") + request.path)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")

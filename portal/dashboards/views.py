from django.shortcuts import render

from . import dashboards_for


def index(request):
    """Every dashboard the viewer may open, as the apps registered them."""
    return render(request, "portal/dashboards/index.html", {"dashboards": dashboards_for(request.user)})

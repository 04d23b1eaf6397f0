from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import ManagedData
from .permissions import can_access_data


def managed_data_list(request):
    records = ManagedData.objects.visible_to(request.user).select_related("project", "institution")
    page = Paginator(records, 25).get_page(request.GET.get("page"))
    return render(request, "metadata/manageddata_list.html", {"page": page})


def managed_data_detail(request, pk):
    record = get_object_or_404(
        ManagedData.objects.visible_to(request.user).select_related("project__program__funder", "institution"),
        pk=pk,
    )
    return render(
        request,
        "metadata/manageddata_detail.html",
        {"record": record, "data_access": can_access_data(request.user, record)},
    )

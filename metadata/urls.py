from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "metadata"

router = SimpleRouter()
router.register("managed-data", api.ManagedDataViewSet, basename="api-managed-data")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("data/", views.managed_data_list_view, name="managed-data-list"),
    re_path(r"^data/export\.(?P<file>csv|xlsx)$", views.managed_data_export, name="managed-data-export"),
    path("data/mine/", views.my_managed_data, name="managed-data-mine"),
    path("data/curation/", views.curation_queue, name="curation-queue"),
    path("data/curation/bulk/", views.curation_bulk, name="curation-bulk"),
    path("data/new/", views.managed_data_edit, name="managed-data-create"),
    path("data/<int:pk>/", views.managed_data_detail_view, name="managed-data-detail"),
    path("data/<int:pk>/edit/", views.managed_data_edit, name="managed-data-edit"),
    path("data/<int:pk>/<str:action>/", views.managed_data_transition_view, name="managed-data-transition"),
]

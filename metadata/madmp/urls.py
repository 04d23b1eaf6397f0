from django.urls import path

from . import api, views

app_name = "madmp"

urlpatterns = [
    path("api/v1/dmps/<int:pk>/madmp", api.madmp_export_view, name="madmp-export"),
    path("api/v1/dmps/import", api.madmp_import_view, name="madmp-import"),
    path("dmps/import/", views.madmp_upload, name="madmp-upload"),
]

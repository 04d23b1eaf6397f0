from django.urls import path

from . import madmp_api

app_name = "madmp"

urlpatterns = [
    path("api/v1/dmps/<int:pk>/madmp", madmp_api.madmp_export_view, name="madmp-export"),
    path("api/v1/dmps/import", madmp_api.madmp_import_view, name="madmp-import"),
    path("dmps/import/", madmp_api.madmp_upload, name="madmp-upload"),
]

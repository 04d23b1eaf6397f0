from django.urls import path

from . import api, views

app_name = "sheet"

urlpatterns = [
    path("data/sheet/", views.sheet_page, name="sheet"),
    path("data/sheet/export/", views.sheet_export, name="export"),
    path("data/sheet/import/", views.sheet_import, name="import"),
    path("data/sheet/imports/<int:pk>/", views.import_detail, name="import-detail"),
    path("api/v1/sheet/export/", api.sheet_export_api, name="api-export"),
    path("api/v1/sheet/import/", api.sheet_import_api, name="api-import"),
    path("api/v1/sheet/imports/<int:pk>/", api.sheet_import_job_api, name="api-import-detail"),
]

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import api, views

app_name = "files"

router = SimpleRouter()
router.register(r"managed-data/(?P<record_pk>\d+)/files", api.DataFileViewSet, basename="api-files")

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("api/v1/managed-data/<int:record_pk>/uploads/", api.UploadCreateView.as_view(), name="api-uploads"),
    path("api/v1/uploads/<uuid:upload_id>/", api.UploadView.as_view(), name="api-upload"),
    path("data/<int:pk>/files/<int:file_id>/", views.DataFileDownloadView.as_view(), name="download"),
    path("data/<int:pk>/files/<int:file_id>/delete/", views.data_file_delete_view, name="delete"),
]

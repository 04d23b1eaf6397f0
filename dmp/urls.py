from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import api, views
from .dashboards import views as dashboard_views

app_name = "dmp"

router = DefaultRouter()
router.register("dmps", api.DMPViewSet, basename="dmp-api")

urlpatterns = [
    path("dmps/", views.dmp_list_view, name="dmp-list"),
    path("dmps/new/", views.dmp_create, name="dmp-create"),
    path("dmps/review/", views.review_queue, name="dmp-review-queue"),
    path("dmps/<int:pk>/", views.dmp_detail, name="dmp-detail"),
    path("dmps/<int:pk>/project/", views.dmp_project_edit, name="dmp-project-edit"),
    path("dmps/<int:pk>/edit/<int:section>/", views.dmp_edit, name="dmp-edit"),
    path("dmps/<int:pk>/transition/", views.dmp_transition_view, name="dmp-transition"),
    path("dmps/<int:pk>/comment/", views.dmp_comment_add, name="dmp-comment"),
    path("dmps/<int:pk>/versions/<int:number>/", views.dmp_version, name="dmp-version"),
    path("dmps/<int:pk>/versions/<int:number>/comment/", views.comment_add, name="dmp-comment-add"),
    path("dmps/comments/<int:pk>/resolve/", views.comment_resolve, name="dmp-comment-resolve"),
    path("dmps/<int:pk>/diff/", views.dmp_diff, name="dmp-diff"),
    path("dmps/<int:pk>/pdf/", views.dmp_pdf_view, name="dmp-pdf"),
    path("dashboards/dmp-review/", dashboard_views.review_dashboard, name="dashboard-review"),
    path("dashboards/dmp-review/dmps/", dashboard_views.review_dashboard_dmps, name="dashboard-review-dmps"),
    path("api/v1/", include(router.urls)),
]

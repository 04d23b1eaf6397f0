from django.urls import path

from . import views

app_name = "metadata"

urlpatterns = [
    path("data/", views.managed_data_list, name="managed-data-list"),
    path("data/<int:pk>/", views.managed_data_detail, name="managed-data-detail"),
]

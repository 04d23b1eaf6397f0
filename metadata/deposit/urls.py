from django.urls import path

from . import views

app_name = "deposit"

urlpatterns = [
    path("deposits/", views.deposit_job_list, name="job-list"),
    path("deposits/progress/", views.deposit_job_progress_view, name="job-progress"),
    path("deposits/new/", views.deposit_bulk, name="bulk"),
    path("deposits/record/<int:pk>/", views.record_deposit, name="record-deposit"),
    path("deposits/<int:pk>/", views.deposit_job_detail, name="job-detail"),
    path("deposits/<int:pk>/retry/", views.deposit_job_retry_view, name="job-retry"),
    path("deposits/copies/<int:pk>/primary/", views.deposit_copy_primary_view, name="copy-primary"),
]

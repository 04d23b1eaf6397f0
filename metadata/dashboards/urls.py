from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/managed-data/", views.managed_data_dashboard, name="managed-data"),
    path("dashboards/compliance/", views.compliance_dashboard, name="compliance"),
    path("dashboards/records/", views.records, name="records"),
    path("dashboards/institutions/<int:institution_id>/", views.institution_dashboard, name="institution"),
    path("dashboards/institutions/<int:institution_id>/compliance/", views.institution_compliance,
         name="institution-compliance"),
    path("dashboards/funders/<str:code>/", views.funder_dashboard, name="funder"),
    path("dashboards/funders/<str:code>/compliance/", views.funder_compliance, name="funder-compliance"),
]

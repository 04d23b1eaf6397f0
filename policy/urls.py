from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("policies/", views.data_policy_list, name="data-policy-list"),
    path("policies/<int:pk>/", views.data_policy_detail, name="data-policy-detail"),
    path("policies/<int:pk>/document/", views.data_policy_document, name="data-policy-document"),
    path("policies/<int:pk>/edit/", views.data_policy_edit, name="data-policy-edit"),
    path("policies/<int:pk>/adopt/", views.data_policy_adopt_view, name="data-policy-adopt"),
    path("institutions/<int:institution_id>/policies/", views.institution_policy_manage,
         name="institution-policies"),
    path("institutions/<int:institution_id>/policies/new/", views.data_policy_create_view,
         name="data-policy-create"),
    path("programs/", views.program_list, name="program-list"),
    path("programs/import/", views.program_import, name="program-import"),
    path("dashboards/policy-adoption/", views.policy_adoption_dashboard, name="dashboard-policy-adoption"),
    path("dashboards/program-requirements/", views.program_requirement_dashboard,
         name="dashboard-program-requirements"),
]

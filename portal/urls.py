from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .dashboards import views as dashboard_views
from .forms import PasswordResetForm
from .identity.urls import saml_urlpatterns

portal_patterns = [
    path("", views.home, name="home"),
    path("profile/", views.profile, name="profile"),
    path("institutions/<int:pk>/roles/", views.institution_roles, name="institution-roles"),
    path("notifications/", views.notification_list_view, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("saved-filters/", views.saved_filter_create, name="saved-filter-create"),
    path("saved-filters/<int:pk>/delete/", views.saved_filter_remove, name="saved-filter-delete"),
    path("dashboards/", dashboard_views.index, name="dashboards"),
]

urlpatterns = [
    path("", include((portal_patterns, "portal"))),
    path("", include("metadata.files.urls")),
    path("", include("metadata.urls")),
    path("", include("metadata.oai.urls")),
    path("", include("metadata.sheet.urls")),
    path("", include("policy.urls")),
    path("", include("metadata.dashboards.urls")),
    path("", include("metadata.madmp_urls")),
    path("", include("dmp.urls")),
    path("", include("metadata.deposit.urls")),
    path("", include("portal.identity.urls")),
    *saml_urlpatterns,
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", auth_views.PasswordResetView.as_view(form_class=PasswordResetForm),
         name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/password/reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="portal/api_docs.html"),
         name="api-docs"),
]

from django.urls import path

from . import views

app_name = "identity"

urlpatterns = [
    path("accounts/institution/", views.idp_picker, name="idp-picker"),
    path("accounts/link/", views.link, name="link"),
    path("accounts/link/<str:token>/", views.link_confirm, name="link-confirm"),
    path("accounts/identities/<int:pk>/remove/", views.identity_delete, name="identity-remove"),
    path("accounts/orcid/login/", views.orcid_login, name="orcid-login"),
    path("accounts/orcid/connect/", views.orcid_connect_start, name="orcid-connect"),
    path("accounts/orcid/callback/", views.orcid_callback, name="orcid-callback"),
]

saml_urlpatterns = [
    path("saml2/login/", views.SamlLoginView.as_view(), name="saml2_login"),
    path("saml2/acs/", views.AssertionConsumerView.as_view(), name="saml2_acs"),
    path("saml2/metadata/", views.sp_metadata, name="saml2_metadata"),
]

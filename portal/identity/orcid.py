"""ORCID OAuth 2.0 (three-legged, scope /authenticate) through Authlib. The token response carries the
authenticated `orcid` and `name`, as ORCID's does; sandbox or production by ORCID_BASE_URL."""

from authlib.integrations.django_client import OAuth
from django.conf import settings


def orcid_client():
    base = settings.ORCID_BASE_URL.rstrip("/")
    oauth = OAuth()
    return oauth.register(
        name="orcid",
        client_id=settings.ORCID_CLIENT_ID,
        client_secret=settings.ORCID_CLIENT_SECRET,
        authorize_url=f"{base}/oauth/authorize",
        access_token_url=f"{base}/oauth/token",
        client_kwargs={"scope": "/authenticate", "token_endpoint_auth_method": "client_secret_post",
                       "timeout": settings.ORCID_HTTP_TIMEOUT},
    )

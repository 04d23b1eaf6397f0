from celery import shared_task
from django.conf import settings

from .federation import federation_metadata_refresh


@shared_task
def federation_metadata_refresh_task() -> None:
    """Beat: refresh the configured federation metadata aggregate (no-op when none is configured)."""
    if settings.SAML_FEDERATION_METADATA_URL:
        federation_metadata_refresh(url=settings.SAML_FEDERATION_METADATA_URL,
                                    cert_file=str(settings.SAML_FEDERATION_SIGNING_CERT))

from django.conf import settings


def signin(request):
    return {"orcid_enabled": bool(settings.ORCID_CLIENT_ID), "local_staff_only": settings.LOCAL_SIGN_IN_STAFF_ONLY}

"""Authentication backends: local e-mail/password (which an operator can restrict to staff) and external
identities (GakuNin SAML, ORCID), both resolved by the services in this package."""

from django.contrib.auth.backends import ModelBackend

from ..permissions import can_sign_in_locally


class LocalBackend(ModelBackend):
    """E-mail and password. With LOCAL_SIGN_IN_STAFF_ONLY, only operators (staff) may sign in this way."""

    def user_can_authenticate(self, user):
        return can_sign_in_locally(user) and super().user_can_authenticate(user)


class IdentityBackend(ModelBackend):
    """Signs in the user an `Identity` (already verified by SAML or ORCID) is linked to."""

    def authenticate(self, request, identity=None, **kwargs):
        if identity is None:
            return None
        user = identity.user
        return user if self.user_can_authenticate(user) else None


def lockout_username(request, credentials=None) -> str | None:
    """What django-axes counts a sign-in attempt against: the e-mail address typed (case folded, so that
    `User@…` and `user@…` share one count), or the external identity itself (so that wrong passwords typed
    for an account do not lock its owner out of GakuNin or ORCID; the client-address count applies to both)."""
    credentials = credentials or {}
    identity = credentials.get("identity")
    if identity is not None:
        return f"identity:{identity.pk}"
    username = credentials.get("username")
    if username is None and request is not None:
        username = getattr(request, "data", request.POST).get("username")
    return (str(username).strip().lower() or None) if username is not None else None

"""Reads for the sign-in pages."""

from django.db.models import Q

from .models import FederationIdP, Identity, Provider


def identities_for(*, user) -> list[Identity]:
    return list(Identity.objects.filter(user=user).order_by("provider", "created_at"))


def verified_orcid(user) -> str:
    """The user's ORCID iD if they proved it by signing in with ORCID, else ''."""
    if not user.is_authenticated or not user.orcid:
        return ""
    verified = Identity.objects.filter(user=user, provider=Provider.ORCID, key=user.orcid).exists()
    return user.orcid if verified else ""


def federation_idps(*, query: str, language: str):
    """The federation's IdPs for the picker, matching `query` in either language, the entity id or a
    scope, sorted by their name in `language`."""
    idps = FederationIdP.objects.order_by("name_ja" if language == "ja" else "name_en", "entity_id")
    if query:
        idps = idps.filter(Q(name_ja__icontains=query) | Q(name_en__icontains=query) | Q(entity_id__icontains=query)
                           | Q(scopes__icontains=query))
    return idps

"""Writes for signing in with external identities: SAML just-in-time users, linking and unlinking,
ORCID iDs, and the federation metadata refresh."""

import datetime
from dataclasses import asdict, dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.models import Role, RoleAssignment, User

from .models import ConsumedAssertion, Identity, InstitutionIdP, Provider

# Sent with `user` and `orcid` when a user proves an ORCID iD, so that apps holding copies of it
# (the people of managed-data records) can take the verified iD.
orcid_verified = Signal()

LINK_SALT = "portal.identity.link"


class SignInRefused(Exception):
    """A sign-in that must not go on; `reason` picks the message shown to the user."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason, detail)
        self.reason, self.detail = reason, detail


@dataclass
class PendingIdentity:
    """An external identity whose e-mail address belongs to an existing account: it is linked only once
    that account's owner proves it is theirs."""

    provider: str
    issuer: str
    key: str
    email: str
    display_name: str = ""
    affiliations: tuple = ()

    def as_session(self) -> dict:
        return asdict(self)

    @classmethod
    def from_session(cls, data) -> "PendingIdentity | None":
        try:
            return cls(**{**data, "affiliations": tuple(data.get("affiliations", ()))})
        except TypeError:
            return None

    def signed_token(self) -> str:
        return signing.dumps(self.as_session(), salt=LINK_SALT, compress=True)

    @classmethod
    def from_token(cls, token: str) -> "PendingIdentity | None":
        try:
            data = signing.loads(token, salt=LINK_SALT, max_age=settings.IDENTITY_LINK_MAX_AGE)
        except signing.BadSignature:
            return None
        return cls.from_session(data)


def _first(ava: dict, name: str) -> str:
    values = ava.get(name) or []
    value = values[0] if values else ""
    if isinstance(value, dict):  # eduPersonTargetedID arrives as a NameID
        value = value.get("text", "")
    return str(value or "").strip()


def saml_stable_key(ava: dict) -> tuple[str, str]:
    """(attribute, value) of the first stable identifier released, in the order of SAML_KEY_ATTRIBUTES."""
    for name in settings.SAML_KEY_ATTRIBUTES:
        value = _first(ava, name)
        if value:
            return name, value
    raise SignInRefused("missing_attribute", " / ".join(settings.SAML_KEY_ATTRIBUTES))


def scoped_affiliations(ava: dict, scope: str) -> set[str]:
    """The affiliations scoped to `scope` (exactly, or a subdomain of it)."""
    result = set()
    for value in ava.get("eduPersonScopedAffiliation") or []:
        affiliation, _at, value_scope = str(value).strip().lower().partition("@")
        if value_scope == scope.lower() or value_scope.endswith("." + scope.lower()):
            result.add(affiliation)
    return result


def _consume_assertion(*, assertion_id: str, not_on_or_after: datetime.datetime) -> None:
    ConsumedAssertion.objects.filter(not_on_or_after__lt=timezone.now()).delete()
    try:
        with transaction.atomic():
            ConsumedAssertion.objects.create(assertion_id=assertion_id, not_on_or_after=not_on_or_after)
    except IntegrityError:
        raise SignInRefused("replayed") from None


def _names(ava: dict) -> dict:
    return {
        "family_name_ja": _first(ava, "jasn")[:100],
        "given_name_ja": _first(ava, "jaGivenName")[:100],
        "family_name_en": _first(ava, "sn")[:100],
        "given_name_en": _first(ava, "givenName")[:100],
    }


def _grant_default_role(*, user: User, idp: InstitutionIdP, affiliations) -> None:
    if set(affiliations) & idp.researcher_affiliation_set():
        RoleAssignment.objects.get_or_create(user=user, role=Role.RESEARCHER, institution=idp.institution)


@transaction.atomic
def saml_sign_in(*, issuer: str, ava: dict, assertion_id: str, not_on_or_after: datetime.datetime,
                 linking: bool = False) -> Identity | PendingIdentity:
    """The identity a verified SAML assertion signs in with: the one with its stable key, else a new user
    (just in time, with names, institution and default role), else — when the e-mail address is already
    an account's, or a signed-in user is `linking` — a `PendingIdentity` that waits for the owner's
    proof. Raises `SignInRefused`."""
    idp = InstitutionIdP.objects.select_related("institution").filter(entity_id=issuer).first()
    if idp is None:
        raise SignInRefused("unknown_idp", issuer)
    _consume_assertion(assertion_id=assertion_id, not_on_or_after=not_on_or_after)
    attribute, key = saml_stable_key(ava)
    if attribute in ("eduPersonPrincipalName", "pairwise-id", "subject-id") and not key.lower().endswith(
        "@" + idp.scope.lower()
    ):
        raise SignInRefused("wrong_scope", key)
    email = User.objects.normalize_email(_first(ava, "mail")).lower()
    try:
        validate_email(email)
    except ValidationError:
        email = ""
    display_name = _first(ava, "jaDisplayName") or _first(ava, "displayName")
    affiliations = scoped_affiliations(ava, idp.scope)

    identity = Identity.objects.select_related("user").filter(provider=Provider.SAML, issuer=issuer, key=key).first()
    if identity is not None:
        user = identity.user
        if email and email != user.email and not User.objects.filter(email=email).exists():
            user.email = email
            user.save(update_fields=["email"])
        identity.last_used_at = timezone.now()
        identity.display_name = display_name or identity.display_name
        identity.save(update_fields=["last_used_at", "display_name"])
        return identity

    if not email:
        raise SignInRefused("missing_attribute", "mail")
    if linking or User.objects.filter(email=email).exists():
        return PendingIdentity(provider=Provider.SAML, issuer=issuer, key=key, email=email,
                               display_name=display_name, affiliations=tuple(sorted(affiliations)))
    user = User.objects.create_user(email=email, **_names(ava))
    identity = Identity.objects.create(user=user, provider=Provider.SAML, issuer=issuer, key=key,
                                       display_name=display_name, last_used_at=timezone.now())
    _grant_default_role(user=user, idp=idp, affiliations=affiliations)
    return identity


@transaction.atomic
def identity_link(*, user: User, pending: PendingIdentity) -> Identity:
    """Link a pending identity to `user`, who has just proved they own the account."""
    if Identity.objects.filter(provider=pending.provider, issuer=pending.issuer, key=pending.key).exists():
        raise SignInRefused("already_linked")
    identity = Identity.objects.create(user=user, provider=pending.provider, issuer=pending.issuer, key=pending.key,
                                       display_name=pending.display_name)
    idp = InstitutionIdP.objects.select_related("institution").filter(entity_id=pending.issuer).first()
    if idp is not None:
        _grant_default_role(user=user, idp=idp, affiliations=pending.affiliations)
    return identity


def identity_link_request(*, pending: PendingIdentity, confirm_url: str) -> None:
    """E-mail the owner of the account with the pending identity's address a link that confirms it, in
    their language. Nothing is sent when there is no such account (and nothing says so)."""
    owner = User.objects.filter(email=pending.email).first()
    if owner is None:
        return
    with translation.override(owner.preferred_language):
        send_mail(
            gettext("Confirm linking a sign-in to your account"),
            gettext("Someone signed in through %(issuer)s with this e-mail address. If it was you, open this link "
                    "to link that sign-in to your account:\n\n%(url)s\n\nIf it was not you, ignore this message: "
                    "nothing changes.") % {"issuer": pending.issuer, "url": confirm_url},
            None, [owner.email],
        )


def identity_remove(*, user: User, identity_id: int) -> None:
    """Unlink one of `user`'s identities, unless it is the only way left to sign in."""
    identity = Identity.objects.filter(user=user, pk=identity_id).first()
    if identity is None:
        raise SignInRefused("not_found")
    others = Identity.objects.filter(user=user).exclude(pk=identity.pk).exists()
    if not others and not user.has_usable_password():
        raise SignInRefused("last_identity")
    identity.delete()


@transaction.atomic
def orcid_connect(*, user: User, orcid: str, name: str = "") -> Identity:
    """Store an ORCID iD the user has just authenticated with ORCID as their verified iD."""
    identity = Identity.objects.filter(provider=Provider.ORCID, issuer=settings.ORCID_BASE_URL, key=orcid).first()
    if identity is not None and identity.user_id != user.pk:
        raise SignInRefused("orcid_taken", orcid)
    Identity.objects.filter(user=user, provider=Provider.ORCID).exclude(key=orcid).delete()
    if identity is None:
        identity = Identity.objects.create(user=user, provider=Provider.ORCID, issuer=settings.ORCID_BASE_URL,
                                           key=orcid, display_name=name[:300], last_used_at=timezone.now())
    if user.orcid != orcid:
        user.orcid = orcid
        user.save(update_fields=["orcid"])
    orcid_verified.send(sender=User, user=user, orcid=orcid)  # in this transaction: all or nothing
    return identity


def orcid_sign_in(*, orcid: str) -> Identity:
    """The identity of the user who linked this ORCID iD (ORCID never creates an account here)."""
    identity = Identity.objects.select_related("user").filter(
        provider=Provider.ORCID, issuer=settings.ORCID_BASE_URL, key=orcid).first()
    if identity is None:
        raise SignInRefused("orcid_not_linked", orcid)
    identity.last_used_at = timezone.now()
    identity.save(update_fields=["last_used_at"])
    return identity


REASONS = {
    "unknown_idp": _("Your institution's identity provider is not registered with this portal. Ask your "
                     "research office to register it, or sign in another way."),
    "missing_attribute": _("Your identity provider did not send an attribute the portal needs (%(detail)s). "
                           "Ask your institution's IdP administrator to release it to this portal."),
    "wrong_scope": _("Your identity provider sent an identifier (%(detail)s) outside its registered scope."),
    "expired": _("The sign-in message from your identity provider has expired or is not valid yet. Check your "
                 "computer's clock and sign in again."),
    "replayed": _("This sign-in message was already used. Please sign in again."),
    "unsolicited": _("The portal did not expect this sign-in message (it may have been used already, or your "
                     "session expired). Please sign in again."),
    "signature": _("The sign-in message from your identity provider was not signed correctly, so it was refused."),
    "audience": _("The sign-in message was meant for another service, so it was refused."),
    "denied": _("Your identity provider did not sign you in."),
    "invalid": _("The sign-in message from your identity provider could not be read. Please sign in again."),
    "unknown_message_idp": _("The sign-in message came from an identity provider the portal does not trust."),
    "already_linked": _("This identity is already linked to an account."),
    "last_identity": _("This is the only way you can sign in; set a password or link another identity first."),
    "not_found": _("There is no such linked identity."),
    "orcid_taken": _("This ORCID iD (%(detail)s) is already connected to another account."),
    "orcid_not_linked": _("No account is connected to this ORCID iD (%(detail)s). Sign in with your institution "
                          "first, then connect your ORCID iD on your profile."),
    "orcid_failed": _("ORCID did not confirm your iD. Please try again."),
    "local_disabled": _("Signing in with a password is turned off; please sign in through your institution."),
}


def refusal_message(error: SignInRefused) -> str:
    return REASONS.get(error.reason, REASONS["invalid"]) % {"detail": error.detail}

"""Who may sign in how: external identities (a SAML IdP's stable key, an ORCID iD) linked to users, the
IdP of each institution, and the federation's metadata (last good copy and the IdPs listed in it)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.i18n import pick
from portal.models import Institution


class Provider(models.TextChoices):
    SAML = "saml", _("Institutional sign-in (GakuNin)")
    ORCID = "orcid", _("ORCID")


class Identity(models.Model):
    """An external identity linked to a user. `key` is what the provider keeps stable (for SAML the
    eduPersonPrincipalName, pairwise-id or eduPersonTargetedID; for ORCID the iD), so a changed e-mail
    address never loses the link. `issuer` is the IdP's entity id (or the ORCID base URL)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities", verbose_name=_("user")
    )
    provider = models.CharField(_("provider"), max_length=10, choices=Provider.choices)
    issuer = models.CharField(_("issuer"), max_length=500)
    key = models.CharField(_("stable identifier"), max_length=500)
    display_name = models.CharField(_("name given by the provider"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last sign-in"), null=True, blank=True)

    class Meta:
        verbose_name = _("linked identity")
        verbose_name_plural = _("linked identities")
        ordering = ["user", "provider", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "issuer", "key"], name="identity_unique_key"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()}: {self.key}"


class InstitutionIdP(models.Model):
    """The SAML identity provider of an institution, with the scope its scoped attributes carry and the
    affiliations that give a first-time user the researcher role there."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="identity_providers", verbose_name=_("institution")
    )
    entity_id = models.CharField(_("IdP entity ID"), max_length=500, unique=True)
    scope = models.CharField(
        _("scope"), max_length=200, help_text=_("The domain of scoped attributes, e.g. example.ac.jp.")
    )
    researcher_affiliations = models.CharField(
        _("affiliations given the researcher role"),
        max_length=200,
        blank=True,
        default="faculty staff member",
        help_text=_(
            "eduPersonScopedAffiliation values (separated by spaces) which make a first-time user a "
            "researcher at this institution; leave empty to give no role."
        ),
    )

    class Meta:
        verbose_name = _("institution identity provider")
        verbose_name_plural = _("institution identity providers")
        ordering = ["institution", "entity_id"]

    def __str__(self):
        return self.entity_id

    def researcher_affiliation_set(self) -> set[str]:
        return set(self.researcher_affiliations.split())


class ConsumedAssertion(models.Model):
    """The id of every assertion accepted, until it expires, so that none is accepted twice."""

    assertion_id = models.CharField(_("assertion ID"), max_length=200, unique=True)
    not_on_or_after = models.DateTimeField(_("valid until"))

    class Meta:
        verbose_name = _("consumed assertion")
        verbose_name_plural = _("consumed assertions")

    def __str__(self):
        return self.assertion_id


class FederationMetadata(models.Model):
    """The last good copy of the federation's metadata aggregate, and how the last refresh went."""

    url = models.URLField(_("aggregate URL"), max_length=500, unique=True)
    xml = models.TextField(_("last good copy"), blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("last good refresh"), null=True, blank=True)
    checked_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("federation metadata")
        verbose_name_plural = _("federation metadata")
        ordering = ["url"]

    def __str__(self):
        return self.url


class FederationIdP(models.Model):
    """An identity provider listed in the federation metadata, for the IdP picker."""

    metadata = models.ForeignKey(
        FederationMetadata, on_delete=models.CASCADE, related_name="idps", verbose_name=_("federation metadata")
    )
    entity_id = models.CharField(_("IdP entity ID"), max_length=500)
    name_ja = models.CharField(_("name (Japanese)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    scopes = models.CharField(_("scopes"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("federation identity provider")
        verbose_name_plural = _("federation identity providers")
        ordering = ["name_en", "entity_id"]
        constraints = [
            models.UniqueConstraint(fields=["metadata", "entity_id"], name="federation_idp_unique"),
        ]

    def __str__(self):
        return self.name or self.entity_id

    @property
    def name(self) -> str:
        return pick(self, "name") or self.entity_id

"""The federation metadata aggregate: fetch, verify (XML signature with the federation's certificate,
validUntil), keep the last good copy, and list its IdPs for the picker."""

import datetime

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from lxml import etree
from saml2 import md
from saml2.config import Config
from saml2.sigver import security_context
from saml2.time_util import str_to_time

from .models import FederationIdP, FederationMetadata
from .saml import xmlsec_binary

NS = {
    "md": "urn:oasis:names:tc:SAML:2.0:metadata",
    "mdui": "urn:oasis:names:tc:SAML:metadata:ui",
    "shibmd": "urn:mace:shibboleth:metadata:1.0",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ENTITIES_DESCRIPTOR = f"{md.EntitiesDescriptor.c_namespace}:{md.EntitiesDescriptor.c_tag}"


class MetadataRejected(Exception):
    pass


def _parse_time(value: str) -> datetime.datetime:
    return datetime.datetime(*str_to_time(value)[:6], tzinfo=datetime.UTC)


def aggregate_verify(xml: bytes, *, cert_file: str) -> datetime.datetime:
    """Check an aggregate: an EntitiesDescriptor whose own signature verifies with `cert_file` and whose
    validUntil lies in the future. Returns validUntil; raises MetadataRejected saying why not."""
    try:
        doc = md.entities_descriptor_from_string(xml)
    except Exception as exc:  # pysaml2 raises assorted parser errors
        raise MetadataRejected(f"not readable as SAML metadata: {exc}") from None
    if doc is None:
        raise MetadataRejected("not an md:EntitiesDescriptor")
    if doc.signature is None:
        raise MetadataRejected("not signed")
    references = doc.signature.signed_info.reference if doc.signature.signed_info else []
    if not doc.id or [ref.uri for ref in references] != [f"#{doc.id}"]:
        raise MetadataRejected("the signature does not cover the whole aggregate")
    config = Config()
    config.xmlsec_binary = xmlsec_binary()
    try:
        ok = security_context(config).verify_signature(
            xml.decode() if isinstance(xml, bytes) else xml, cert_file=cert_file, node_name=ENTITIES_DESCRIPTOR
        )
    except Exception as exc:  # SignatureError, XmlsecError
        raise MetadataRejected(f"signature does not verify with the federation certificate ({exc})") from None
    if not ok:
        raise MetadataRejected("signature does not verify with the federation certificate")
    if not doc.valid_until:
        raise MetadataRejected("no validUntil")
    valid_until = _parse_time(doc.valid_until)
    if valid_until <= timezone.now():
        raise MetadataRejected(f"expired (validUntil {doc.valid_until})")
    return valid_until


def aggregate_idps(xml: bytes) -> list[dict]:
    """The IdPs of an aggregate with their Japanese and English display names (mdui, else the
    organisation's display name) and scopes."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    idps = []
    for entity in root.iterfind(".//md:EntityDescriptor", NS):
        sso = entity.find("md:IDPSSODescriptor", NS)
        if sso is None:
            continue
        names = {}
        for path in ("md:Extensions/mdui:UIInfo/mdui:DisplayName", "../md:Organization/md:OrganizationDisplayName"):
            for element in sso.iterfind(path, NS):
                names.setdefault((element.get(XML_LANG) or "en")[:2], (element.text or "").strip())
        scopes = [(s.text or "").strip() for s in sso.iterfind("md:Extensions/shibmd:Scope", NS)]
        idps.append({"entity_id": entity.get("entityID"), "name_ja": names.get("ja", "")[:300],
                     "name_en": names.get("en", "")[:300], "scopes": " ".join(scopes)[:500]})
    return idps


def federation_metadata_refresh(*, url: str, cert_file: str) -> FederationMetadata:
    """Fetch and verify the aggregate at `url`. A good copy replaces the stored one (and its IdP list);
    a bad one is refused with the reason recorded, and the last good copy stays in use."""
    record, _created = FederationMetadata.objects.get_or_create(url=url)
    now = timezone.now()
    try:
        response = requests.get(url, timeout=settings.SAML_METADATA_HTTP_TIMEOUT)
        response.raise_for_status()
        xml = response.content
        valid_until = aggregate_verify(xml, cert_file=cert_file)
        idps = aggregate_idps(xml)
    except (requests.RequestException, MetadataRejected, etree.XMLSyntaxError) as exc:
        FederationMetadata.objects.filter(pk=record.pk).update(checked_at=now, last_error=str(exc)[:2000])
        record.refresh_from_db()
        return record
    with transaction.atomic():
        record.xml, record.valid_until, record.fetched_at, record.checked_at = xml.decode(), valid_until, now, now
        record.last_error = ""
        record.save()
        record.idps.all().delete()
        FederationIdP.objects.bulk_create(FederationIdP(metadata=record, **idp) for idp in idps if idp["entity_id"])
    return record

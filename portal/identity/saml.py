"""The portal as a SAML 2.0 service provider (pysaml2 through djangosaml2): its configuration from
settings, its key pair, and the IdPs it trusts (the last good federation metadata, parsed once per
process per copy)."""

import datetime
import shutil
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from saml2 import BINDING_HTTP_POST
from saml2.config import SPConfig
from saml2.mdstore import MetadataStore
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT

from .models import FederationMetadata

ATTRIBUTE_MAP_DIR = str(Path(__file__).resolve().parent / "attributemaps")
REQUIRED_ATTRIBUTES = ("eduPersonPrincipalName", "mail")
OPTIONAL_ATTRIBUTES = ("pairwise-id", "eduPersonTargetedID", "displayName", "jaDisplayName", "sn",
                       "givenName", "jasn", "jaGivenName", "o", "jaOrganizationName",
                       "eduPersonAffiliation", "eduPersonScopedAffiliation")


def xmlsec_binary() -> str:
    return settings.SAML_XMLSEC_BINARY or shutil.which("xmlsec1") or "/usr/bin/xmlsec1"


def make_key_pair(directory: Path, common_name: str) -> tuple[Path, Path]:
    """A self-signed RSA certificate and its key in `directory` (created once; kept if already there).
    For development, tests and the demo only: production sets SAML_SP_CERT_FILE / SAML_SP_KEY_FILE."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64])])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    # Written next to each other and renamed into place, so that two processes never see half a pair.
    tmp = Path(tempfile.mkdtemp(dir=directory))
    (tmp / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))
    (tmp / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "key.pem").replace(key_path)
    (tmp / "cert.pem").replace(cert_path)
    tmp.rmdir()
    return cert_path, key_path


def sp_key_pair() -> tuple[str, str]:
    if settings.SAML_SP_CERT_FILE and settings.SAML_SP_KEY_FILE:
        return str(settings.SAML_SP_CERT_FILE), str(settings.SAML_SP_KEY_FILE)
    cert, key = make_key_pair(Path(tempfile.gettempdir()) / "rdportal-saml-dev", sp_entity_id())
    return str(cert), str(key)


def sp_entity_id() -> str:
    return settings.SAML_SP_ENTITY_ID or f"{settings.PORTAL_BASE_URL.rstrip('/')}/saml2/metadata/"


def acs_url() -> str:
    return f"{settings.PORTAL_BASE_URL.rstrip('/')}/saml2/acs/"


def sp_config_dict() -> dict:
    cert, key = sp_key_pair()
    return {
        "entityid": sp_entity_id(),
        "xmlsec_binary": xmlsec_binary(),
        "attribute_map_dir": ATTRIBUTE_MAP_DIR,
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.SAML_CLOCK_SKEW_SECONDS,
        "key_file": key,
        "cert_file": cert,
        "encryption_keypairs": [{"key_file": key, "cert_file": cert}],
        "service": {
            "sp": {
                "name": settings.SAML_SP_NAME,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_PERSISTENT],
                "endpoints": {"assertion_consumer_service": [(acs_url(), BINDING_HTTP_POST)]},
                "authn_requests_signed": True,
                # Shibboleth IdPs (GakuNin's) sign the response and encrypt the assertion by default;
                # either signature is required, an unsigned message is refused.
                "want_assertions_or_response_signed": True,
                "want_assertions_signed": False,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "required_attributes": list(REQUIRED_ATTRIBUTES),
                "optional_attributes": list(OPTIONAL_ATTRIBUTES),
            }
        },
        "organization": {
            "name": [(settings.SAML_SP_NAME, "en")],
            "display_name": [(settings.SAML_SP_NAME, "en")],
            "url": [(settings.PORTAL_BASE_URL, "en")],
        },
        "contact_person": [{"contact_type": "technical", "email_address": f"mailto:{settings.DEFAULT_FROM_EMAIL}"}],
        "metadata": {},
    }


_cache_lock = threading.Lock()
_cache: dict[tuple, MetadataStore] = {}


def trusted_metadata(config: SPConfig) -> MetadataStore:
    """The IdPs the portal trusts: every stored federation aggregate (already verified when it was
    fetched), parsed once per process for each good copy."""
    copies = tuple(FederationMetadata.objects.exclude(xml="").order_by("pk").values_list("pk", "fetched_at"))
    with _cache_lock:
        store = _cache.get(copies)
        if store is None:
            store = MetadataStore(config.attribute_converters, config, check_validity=True)
            for metadata in FederationMetadata.objects.exclude(xml="").order_by("pk"):
                store.load("inline", metadata.xml)
            _cache.clear()
            _cache[copies] = store
    return store


def sp_config(request=None) -> SPConfig:
    """djangosaml2's SAML_CONFIG_LOADER."""
    config = SPConfig()
    config.load(sp_config_dict())
    config.metadata = trusted_metadata(config)
    return config


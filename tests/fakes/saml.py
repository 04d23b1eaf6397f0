"""A real SAML 2.0 identity provider (pysaml2's `Server`) on 127.0.0.1, and a federation that serves a
signed metadata aggregate listing such IdPs. The IdP answers an SP-initiated AuthnRequest (HTTP-Redirect
binding) at once for the person it was given, with an HTTP-POST form to the SP's assertion consumer,
like a Shibboleth IdP after its login page. It can be told to misbehave: "unsigned", "expired" (an
assertion already past its NotOnOrAfter) or "audience" (an assertion for another SP); "encrypted" answers
as GakuNin's Shibboleth IdPs do by default (signed response, encrypted assertion); `clock_offset`
seconds shift the IdP's idea of now (a clock running ahead)."""

from pathlib import Path

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import Config, IdPConfig, SPConfig
from saml2.metadata import entities_descriptor, entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_TRANSIENT
from saml2.server import Server
from saml2.sigver import security_context
from saml2.time_util import in_a_while

from portal.identity.saml import ATTRIBUTE_MAP_DIR, make_key_pair, sp_config_dict, xmlsec_binary

from .base import FakeServer, Reply


def sp_metadata_xml() -> str:
    """The portal's SP metadata as its settings make it (what a federation would distribute)."""
    config = SPConfig()
    config.load(sp_config_dict())
    return str(entity_descriptor(config))


class FakeSamlIdP(FakeServer):
    name = "SAML IdP"

    def __init__(self, *, key_dir: Path, scope: str = "idp.example.ac.jp", name_ja: str = "テスト大学",
                 name_en: str = "Test University", person: dict | None = None, port: int = 0):
        super().__init__(port=port)
        self.scope, self.name_ja, self.name_en = scope, name_ja, name_en
        self.person = person or {}
        self.mode = "ok"
        self.clock_offset = 0
        self.responses: list[str] = []
        self.cert_file, self.key_file = (str(p) for p in make_key_pair(Path(key_dir) / f"idp-{scope}", scope))

    @property
    def entity_id(self) -> str:
        return f"{self.url}/idp/shibboleth"

    def config(self, *, lifetime_minutes: int = 5) -> IdPConfig:
        config = IdPConfig()
        config.load({
            "entityid": self.entity_id,
            "xmlsec_binary": xmlsec_binary(),
            "attribute_map_dir": ATTRIBUTE_MAP_DIR,
            "key_file": self.key_file,
            "cert_file": self.cert_file,
            "service": {"idp": {
                "name": self.name_en,
                "endpoints": {"single_sign_on_service": [(f"{self.url}/idp/profile/SAML2/Redirect/SSO",
                                                          BINDING_HTTP_REDIRECT)]},
                "policy": {"default": {"lifetime": {"minutes": lifetime_minutes}, "name_form": NAME_FORMAT_URI,
                                       "attribute_restrictions": None}},
                "name_id_format": [NAMEID_FORMAT_TRANSIENT],
                "scope": [self.scope],
                "ui_info": {"display_name": [{"text": self.name_ja, "lang": "ja"},
                                             {"text": self.name_en, "lang": "en"}]},
            }},
            "metadata": {"inline": [sp_metadata_xml()]},
        })
        return config

    def entity_descriptor(self):
        return entity_descriptor(self.config())

    def authorized(self, request) -> bool:
        return True

    def error(self, status: int, message: str, headers=None) -> Reply:
        return Reply(status, message.encode(), "text/plain; charset=utf-8", headers)

    def route(self, request) -> Reply:
        if request.path != "/idp/profile/SAML2/Redirect/SSO" or "SAMLRequest" not in request.query:
            return self.error(404, "Not found")
        server = Server(config=self.config(lifetime_minutes=-10 if self.mode == "expired" else 5))
        authn_request = server.parse_authn_request(request.query["SAMLRequest"], BINDING_HTTP_REDIRECT).message
        args = server.response_args(authn_request)
        policy = server.config.getattr("policy", "idp")
        conditions = policy.conditions
        if self.mode == "audience":
            policy.conditions = lambda sp_entity_id: conditions("https://other-service.example.org/shibboleth")
        if self.mode == "expired":  # issued 20 minutes ago, valid for 10
            def expired_conditions(sp_entity_id):
                result = conditions(sp_entity_id)
                result.not_before = in_a_while(minutes=-20)
                return result
            policy.conditions = expired_conditions
        if self.clock_offset:
            def shifted_conditions(sp_entity_id):
                result = conditions(sp_entity_id)
                result.not_before = in_a_while(seconds=self.clock_offset)
                result.not_on_or_after = in_a_while(seconds=self.clock_offset + 300)
                return result
            policy.conditions = shifted_conditions
        signed = self.mode != "unsigned"
        response = server.create_authn_response(
            self.person, userid=self.person.get("eduPersonPrincipalName", ["someone"])[0],
            authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
            sign_response=signed, sign_assertion=signed and self.mode != "encrypted",
            encrypt_assertion=self.mode == "encrypted", encrypt_assertion_self_contained=True, **args,
        )
        self.responses.append(str(response))
        http = server.apply_binding(BINDING_HTTP_POST, str(response), args["destination"],
                                   request.query.get("RelayState", ""), response=True)
        return Reply(200, http["data"].encode(), "text/html; charset=utf-8")


class FakeFederation(FakeServer):
    """Serves `body` as the federation's metadata aggregate; `publish()` signs a new one."""

    name = "federation"

    def __init__(self, *, key_dir: Path, port: int = 0):
        super().__init__(port=port)
        self.cert_file, self.key_file = (str(p) for p in make_key_pair(Path(key_dir) / "federation", "Test federation"))
        self.body = b""

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata/federation.xml"

    def publish(self, idps, *, valid_hours: int = 48) -> bytes:
        config = Config()
        config.key_file, config.cert_file, config.xmlsec_binary = self.key_file, self.cert_file, xmlsec_binary()
        _entities, xml = entities_descriptor([idp.entity_descriptor() for idp in idps], valid_hours,
                                             "urn:test:federation", None, True, security_context(config))
        self.body = xml.encode() if isinstance(xml, str) else xml
        return self.body

    def authorized(self, request) -> bool:
        return True

    def error(self, status: int, message: str, headers=None) -> Reply:
        return Reply(status, message.encode(), "text/plain", headers)

    def route(self, request) -> Reply:
        if request.path != "/metadata/federation.xml" or not self.body:
            return self.error(404, "Not found")
        return Reply(200, self.body, "application/samlmetadata+xml")

"""Serve a test GakuNin-style federation (two SAML IdPs and a signed metadata aggregate) and an ORCID
fake on 127.0.0.1 for the demo, until interrupted. Loads the aggregate into the portal and registers
the IdPs for the demo institutions, so that "Sign in through your institution" works at once."""

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.identity.federation import federation_metadata_refresh
from portal.identity.models import InstitutionIdP
from portal.models import Institution
from tests.fakes.base import serve_until_interrupted
from tests.fakes.orcid import FakeOrcid
from tests.fakes.saml import FakeFederation, FakeSamlIdP

IDP_PORTS = (8711, 8712)
FEDERATION_PORT, ORCID_PORT = 8710, 8713
ORCID_CLIENT = ("APP-DEMO000000000000", "demo-orcid-secret")
PEOPLE = {
    # institution code: (scope, IdP names ja/en, person)
    "9000000001": ("toto.example.ac.jp", "東都大学", "Toto University", {
        "eduPersonPrincipalName": ["gakunin.hanako@toto.example.ac.jp"], "mail": ["gakunin.hanako@demo.example.ac.jp"],
        "jasn": ["学認"], "jaGivenName": ["花子"], "sn": ["Gakunin"], "givenName": ["Hanako"],
        "jaDisplayName": ["学認 花子"], "displayName": ["Hanako Gakunin"], "o": ["Toto University"],
        "jaOrganizationName": ["東都大学"], "eduPersonAffiliation": ["faculty", "member"],
        "eduPersonScopedAffiliation": ["faculty@toto.example.ac.jp", "member@toto.example.ac.jp"]}),
    "9000000002": ("saito.example.ac.jp", "西都工業大学", "Saito Institute of Technology", {
        "eduPersonPrincipalName": ["s.ichiro@saito.example.ac.jp"], "mail": ["s.ichiro@demo.example.ac.jp"],
        "jasn": ["西都"], "jaGivenName": ["一郎"], "sn": ["Saito"], "givenName": ["Ichiro"],
        "eduPersonAffiliation": ["staff", "member"],
        "eduPersonScopedAffiliation": ["staff@saito.example.ac.jp", "member@saito.example.ac.jp"]}),
}


class Command(BaseCommand):
    help = "Serve a local SAML federation (two IdPs) and an ORCID fake on 127.0.0.1 for the demo."

    def add_arguments(self, parser):
        parser.add_argument("--mail", help="The e-mail address the Toto University IdP asserts (try an existing "
                                           "demo account's to see account linking).")

    def handle(self, *args, **options):
        if not shutil.which(settings.SAML_XMLSEC_BINARY or "xmlsec1"):
            raise CommandError("xmlsec1 is missing: apt-get install xmlsec1 (or sh .ci/system-packages.sh)")
        key_dir = Path(tempfile.gettempdir()) / "rdportal-saml-dev" / "fakes"
        idps = []
        for port, (code, (scope, name_ja, name_en, person)) in zip(IDP_PORTS, PEOPLE.items(), strict=True):
            person = dict(person)
            if options["mail"] and code == "9000000001":
                person["mail"] = [options["mail"]]
            idp = FakeSamlIdP(key_dir=key_dir, scope=scope, name_ja=name_ja, name_en=name_en, person=person,
                              port=port)
            institution = Institution.objects.filter(code=code).first()
            if institution is None:
                raise CommandError("Load the demo first: python manage.py load_demo")
            InstitutionIdP.objects.update_or_create(entity_id=idp.entity_id,
                                                    defaults={"institution": institution, "scope": scope})
            idps.append(idp)
        federation = FakeFederation(key_dir=key_dir, port=FEDERATION_PORT)
        federation.publish(idps)
        orcid = FakeOrcid(client_id=ORCID_CLIENT[0], client_secret=ORCID_CLIENT[1], orcid="0000-0002-1825-0097",
                          person_name="Josiah Carberry", port=ORCID_PORT)
        servers = [*idps, federation, orcid]
        for server in servers:
            server.start()
        record = federation_metadata_refresh(url=federation.metadata_url, cert_file=federation.cert_file)
        if record.last_error:
            raise CommandError(f"The federation metadata was refused: {record.last_error}")
        for idp in idps:
            self.stdout.write(f"SAML IdP    {idp.entity_id}  ({idp.name_en}, signs in {idp.person['mail'][0]})")
        self.stdout.write(f"federation  {federation.metadata_url}  (loaded: {record.idps.count()} IdPs)")
        self.stdout.write(f"ORCID       {orcid.url}  (iD 0000-0002-1825-0097)")
        self.stdout.write(
            "Run the portal with ORCID pointed here:\n"
            f"  ORCID_BASE_URL={orcid.url} ORCID_CLIENT_ID={ORCID_CLIENT[0]} "
            f"ORCID_CLIENT_SECRET={ORCID_CLIENT[1]} make demo\n"
            "Then choose Sign in → Sign in through your institution (GakuNin). Press Ctrl-C to stop."
        )
        serve_until_interrupted(servers)

"""The fuzz run (issue 13, acceptance 7): schemathesis drives every API operation of /api/schema/ as an anonymous
visitor and as a researcher; hypothesis drives every page's query parameters, the OAI endpoint included, as
every role. Any 5xx, or a response that contradicts the schema, fails. Bounded: the whole run takes well under
90 seconds (FUZZ_EXAMPLES raises the number of examples for a longer local run)."""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from dmp.services import dmp_create, template_load_shipped
from portal.models import Role, User
from tests.factories import ProjectFactory, make_record, user_with_role

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# Random (fuzzing-phase) cases only, EXAMPLES per operation: the coverage phase alone sends hundreds per operation.
API_FUZZ_CONFIG = SchemathesisConfig.from_dict({
    "phases": {"examples": {"enabled": False}, "coverage": {"enabled": False}, "stateful": {"enabled": False}},
    "generation": {"max-examples": EXAMPLES},
})


@pytest.fixture
def world(db):
    """A little of everything, so that ids and filters hit real rows: a project with a DMP and records in
    several states, and a person of each role at its institution (and the funder's officer)."""
    template_load_shipped()
    project = ProjectFactory()
    institution, funder = project.institution, project.program.funder
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    for status in ("draft", "submitted", "published", "withdrawn"):
        make_record(project=project, status=status, librarian=librarian)
    dmp = dmp_create(actor=project.pi, project=project)
    users = {
        "anonymous": None,
        "researcher": project.pi,
        "librarian": librarian,
        "reviewer": user_with_role(Role.REVIEWER, institution=institution),
        "institution_admin": user_with_role(Role.INSTITUTION_ADMIN, institution=institution),
        "funder_officer": user_with_role(Role.FUNDER_OFFICER, funder=funder),
        "operator": User.objects.create_superuser("fuzz-operator@example.ac.jp", "pw"),
    }
    return {"project": project, "institution": institution, "funder": funder, "dmp": dmp, "users": users,
            "record": project.managed_data.order_by("pk").first()}


# The API ------------------------------------------------------------------------------------------------------

@pytest.fixture
def api_schema(world):
    """The schema, calling the portal through its WSGI application in this process (so inside the test's
    transaction). Like Django's test client, keep the connection open between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi(reverse("api-schema"), get_wsgi_application(), config=API_FUZZ_CONFIG)
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_as_anonymous(case, world):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_as_researcher(case, world):
    token, _created = Token.objects.get_or_create(user=world["users"]["researcher"])
    case.call_and_validate(checks=CHECKS, headers={"Authorization": f"Token {token.key}"})


# Pages and OAI-PMH ------------------------------------------------------------------------------------------

def pages(world) -> list[str]:
    """Every page a GET shows, with the ids of the world's rows (`test_every_page_is_fuzzed` keeps it complete)."""
    record, dmp = world["record"], world["dmp"]
    institution, funder = world["institution"].pk, world["funder"].code
    return [
        "/", "/profile/", "/notifications/", "/data/", "/data/export.csv", "/data/export.xlsx", "/data/mine/",
        "/data/curation/", "/data/new/", f"/data/{record.pk}/", f"/data/{record.pk}/edit/", "/oai", "/data/sheet/",
        "/data/sheet/export/", "/policies/", f"/institutions/{institution}/policies/",
        f"/institutions/{institution}/policies/new/", "/programs/", "/programs/import/",
        "/dashboards/policy-adoption/", "/dashboards/program-requirements/", "/dashboards/",
        "/dashboards/managed-data/", "/dashboards/compliance/", "/dashboards/records/",
        f"/dashboards/institutions/{institution}/", f"/dashboards/institutions/{institution}/compliance/",
        f"/dashboards/funders/{funder}/", f"/dashboards/funders/{funder}/compliance/", "/dmps/import/", "/dmps/",
        "/dmps/new/", "/dmps/review/", f"/dmps/{dmp.pk}/", f"/dmps/{dmp.pk}/project/", f"/dmps/{dmp.pk}/edit/1/",
        f"/dmps/{dmp.pk}/diff/", "/dashboards/dmp-review/", "/dashboards/dmp-review/dmps/", "/deposits/",
        "/deposits/progress/", "/deposits/new/", f"/deposits/record/{record.pk}/", "/accounts/login/",
        "/accounts/password/reset/", "/accounts/password/reset/sent/", "/accounts/password/reset/complete/",
        f"/dmps/{dmp.pk}/transition/", f"/data/{record.pk}/submit/",  # the confirmation steps
    ]


# Parameter names the pages read, and values that broke them before (issue 13) or might.
NAMES = ["q", "year", "waiting_days", "status", "institution", "department", "funder", "program", "access_right",
         "research_field", "data_type", "sort", "page", "size", "scope", "by", "value", "access", "embargo_month",
         "project", "fiscal_year", "kind", "format", "table", "grant_number", "verb", "metadataPrefix", "set",
         "identifier", "from", "until", "resumptionToken", "next", "section", "version", "language", "layout",
         "action", "adopted_on"]
VALUES = st.one_of(
    st.sampled_from(["0", "-1", "1", "99999", "1000000", "99999999999999999999", "1e309", "NaN", "9999-12",
                     "0000-00", "2026-02", "2026-02-30", "funder:JST", "funder:", "institution:1",
                     "institution:99999999999999999999", "institution:x", "year", "field", "program", "csv", "xlsx",
                     "json", "ＢＭＩ", "ｺｰﾊﾟｽ", "open", "embargoed", "published", "ListRecords", "oai_dc",
                     "jpcoar_2.0", "oai_datacite", "-updated", "//evil.example", "\x0b", "\x00", ""]),
    st.text(max_size=30),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
ROLES = ["anonymous", "researcher", "librarian", "reviewer", "institution_admin", "funder_officer", "operator"]


@settings(max_examples=EXAMPLES * 25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_no_page_fails_whatever_its_query(client, world, data):
    url = data.draw(st.sampled_from(pages(world)), label="page")
    role = data.draw(st.sampled_from(ROLES), label="role")
    params = data.draw(st.lists(st.tuples(st.sampled_from(NAMES), VALUES), max_size=4), label="params")
    client.logout()
    if world["users"][role] is not None:
        client.force_login(world["users"][role])
    query = {}
    for name, value in params:
        query.setdefault(name, []).append(value)
    response = client.get(url, query)
    assert response.status_code < 500, (url, role, query)


def test_every_page_is_fuzzed(world):
    """Each URL pattern a GET can show is in `pages`, or listed here with the reason it is not."""
    not_pages = {"admin", "api", "logout", "set_language", "api-schema", "api-docs", "password_change",
                 "password_change_done", "data-policy-edit", "data-policy-adopt",
                 "data-policy-detail", "import-detail", "dmp-version", "dmp-comment-add",
                 "dmp-comment-resolve", "job-detail", "job-retry", "import", None,
                 "madmp-import", "madmp-export",  # API operations: schemathesis drives them
                 "notifications-read", "curation-bulk", "dmp-comment",  # POST only
                 "notification-open",  # follows one notification's link: no query parameter
                 "dmp-pdf",  # reads no query parameter, and a PDF takes seconds
                 "copy-primary", "delete", "managed-data-new-version", "identity-remove",  # POST only
                 "download",  # a file's bytes: no query parameter (Range is tested in test_files_access)
                 "data-policy-document",  # a PDF's bytes: no query parameter (tests/policy/test_policy_documents.py)
                 # a one-time link: tests/portal/test_sign_in_hardening.py follows a real one and a used one
                 "password_reset_confirm",
                 # sign-in protocol endpoints and the roles page: fed garbage in tests/identity/test_odd_input.py
                 "idp-picker", "institution-roles", "link", "link-confirm", "orcid-callback", "orcid-connect",
                 "orcid-login", "saml2_acs", "saml2_login", "saml2_metadata"}

    def names(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name not in ("admin",) and "api/" not in str(pattern.pattern):
                    yield from names(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and "api" not in (pattern.name or "api"):
                yield pattern.name, pattern

    covered = {resolve(path).url_name for path in pages(world)}
    missing = {name for name, _pattern in names(get_resolver().url_patterns)} - covered - not_pages
    assert not missing, " ".join(sorted(missing))

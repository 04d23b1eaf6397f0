"""WCAG 2.1 A/AA on the pages each role works in, in Japanese and English, on a desktop (1 280 px) and a
phone (375 px): axe-core (from npm, see package.json) is injected by Playwright into Debian's Chromium."""

import io

import pytest
from django.core.management import call_command

from dmp.models import DMP
from metadata.models import ManagedData
from tests.conftest import AXE, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-portal-2026"
# The public pages once, as a visitor; then each role's home page (its inbox) and the pages of its work.
ROLES = {
    None: ["/", "/data/", "{record}", "/policies/", "/dashboards/", "/dashboards/managed-data/", "/api/docs/",
           "/accounts/login/"],
    "researcher@demo.example.ac.jp": ["/", "/data/mine/", "/data/new/", "/dmps/", "/dmps/new/", "{dmp}",
                                      "/notifications/", "/profile/"],
    "reviewer@demo.example.ac.jp": ["/", "/dmps/review/", "{dmp}", "/dashboards/dmp-review/"],
    "librarian@demo.example.ac.jp": ["/", "/data/curation/", "{record}", "/deposits/"],
    "admin@demo.example.ac.jp": ["/", "/policies/"],
    "funder@demo.example.jst.go.jp": ["/", "/dashboards/compliance/"],
}


def test_every_page_each_role_reaches_passes_axe(browser, live_server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it)")
    call_command("load_demo", stdout=io.StringIO())
    targets = {"{record}": ManagedData.objects.public().first().get_absolute_url(),
               "{dmp}": DMP.objects.first().get_absolute_url()}
    problems = []
    for email, own in ROLES.items():
        for language in ("ja", "en"):
            for width in (1280, 375):
                context = browser.new_context(viewport={"width": width, "height": 900}, locale=language,
                                              bypass_csp=True)  # to inject axe; the pages' own CSP is tested elsewhere
                page = context.new_page()
                if email:
                    page.goto(f"{live_server.url}/accounts/login/")
                    page.fill("input[name=username]", email)
                    page.fill("input[name=password]", PASSWORD)
                    page.click("main button[type=submit]")
                for path in own:
                    path = targets.get(path, path)
                    response = page.goto(f"{live_server.url}{path}")
                    assert response.status == 200, (email, path, response.status)
                    if path == "/api/docs/":
                        page.wait_for_selector(".opblock")
                    where = f"{email or 'anonymous'} {language} {width}px {path}"
                    problems += [f"{where}: {v}" for v in axe_violations(page)]
                context.close()
    assert not problems, "\n".join(problems)

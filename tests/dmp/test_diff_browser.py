"""The diff of two versions in Chromium: the question column keeps its width beside long answers, nothing
runs off the page on a desktop or a phone, changes are marked within the text, and axe finds no WCAG 2.1
A/AA violation, in Japanese and English."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from dmp.services import dmp_save_answers, dmp_transition, template_load_shipped
from portal.models import Role
from tests.factories import PASSWORD, InstitutionFactory, user_with_role

from .factories import complete, make_dmp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
LONG_URL = "https://repository.example.ac.jp/records/" + "x" * 180
PARAGRAPH = "観測データは研究室のサーバーに保存し、毎週バックアップを取る。" * 6


def _axe(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}});
        return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).join(", ")}`);
    }""")


@pytest.mark.parametrize("language", ["ja", "en"])
def test_diff_keeps_the_question_column_and_fits_desktop_and_phone(browser, live_server, language):
    template_load_shipped()
    institution = InstitutionFactory()
    reviewer = user_with_role(Role.REVIEWER, institution=institution, preferred_language=language)
    dmp = complete(make_dmp(institution=institution))
    pi = dmp.project.pi
    dmp_save_answers(dmp_id=dmp.pk, actor=pi, answers={"repository": LONG_URL, "scope": PARAGRAPH})
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=pi)
    dmp_transition(dmp_id=dmp.pk, action="request_changes", actor=reviewer, message="保存先を")
    dmp_save_answers(dmp_id=dmp.pk, actor=pi, answers={
        "repository": LONG_URL + "/v2", "scope": PARAGRAPH.replace("サーバー", "クラウド", 1)})
    dmp_transition(dmp_id=dmp.pk, action="submit", actor=pi)

    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", reviewer.email)
        page.fill("#id_password", PASSWORD)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.goto(f"{live_server.url}{reverse('dmp:dmp-diff', args=[dmp.pk])}")
        assert page.locator("html").get_attribute("lang") == language
        changed = page.locator("tr.changed")
        assert changed.count() == 2
        assert changed.first.locator("ins").all_inner_texts() == ["クラウド"]
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"the page is {overflow}px too wide at {width}px"
        question = page.locator("tr.changed th[scope=row]").first.bounding_box()["width"]
        answer = page.locator("tr.changed td.new").first.bounding_box()["width"]
        if width == 1280:
            assert question >= 200 and answer >= 300, (question, answer)  # long answers wrap, not squeeze
        else:
            assert question >= 300 and answer >= 300, (question, answer)  # stacked: one column each
        assert _axe(page) == [], (language, width)
        context.close()

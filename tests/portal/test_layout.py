"""The long forms' section navigation stays on screen (beside the form at 1 280 px, a strip at the top at
375 px), and on a phone every list table becomes stacked cards without scrolling sideways."""

import pytest

from dmp.services import dmp_transition, template_load_shipped
from portal.models import Role
from tests.dmp.factories import complete, make_dmp
from tests.factories import InstitutionFactory, ProjectFactory, make_record, user_with_role
from tests.journeys.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BOX = "el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, right: r.right, bottom: r.bottom}; }"


def _check_nav_stays_on_screen(page, width, sections):
    nav, form = page.locator(".form-nav"), page.locator(".with-form-nav > form")
    assert [a.strip() for a in nav.locator("a").all_inner_texts()][:len(sections)] == sections
    nav_box, form_box = nav.evaluate(BOX), form.evaluate(BOX)
    if width >= 1024:
        assert nav_box["right"] <= form_box["x"]  # beside the form
    else:
        assert nav_box["bottom"] <= form_box["y"]  # above it
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    nav_box = nav.evaluate(BOX)
    assert 0 <= nav_box["y"] < 100, nav_box  # still on screen at the bottom of the page
    link = nav.locator("a").nth(len(sections) - 1)
    target = link.get_attribute("href")
    link.click()
    assert page.url.endswith(target)
    above = nav.evaluate(BOX)["bottom"] if width < 1024 else 0  # the strip at the top does not hide it
    assert page.locator(target).evaluate(BOX)["y"] >= above - 1


@pytest.mark.parametrize("width", [1280, 375])
def test_long_forms_keep_their_section_navigation_on_screen(browser, live_server, width):
    template_load_shipped()
    institution = InstitutionFactory()
    researcher = user_with_role(Role.RESEARCHER, institution=institution)
    record = make_record(project=ProjectFactory(institution=institution, pi=researcher))
    dmp = make_dmp(pi=researcher, institution=institution)
    page = sign_in(browser, live_server, researcher, "en")
    page.set_viewport_size({"width": width, "height": 800})

    page.goto(f"{live_server.url}/data/{record.pk}/edit/")
    legends = page.locator("form fieldset > legend").all_inner_texts()
    _check_nav_stays_on_screen(page, width, [legend.strip() for legend in legends])
    if width >= 1024:  # short fields side by side
        first, second = page.locator("#section-1 > .field").nth(0), page.locator("#section-1 > .field").nth(1)
        assert first.evaluate(BOX)["y"] == second.evaluate(BOX)["y"]

    page.goto(f"{live_server.url}/dmps/{dmp.pk}/edit/1/")
    current = page.locator('.form-nav [aria-current="step"]').inner_text().strip()
    assert current == page.locator("h1").inner_text().strip()
    questions = page.locator(".with-form-nav > form .question-row")
    assert page.locator(".form-nav ol ol a").count() == questions.count() > 3
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert 0 <= page.locator(".form-nav").evaluate(BOX)["y"] < 100
    page.context.close()


def test_list_tables_become_cards_on_a_phone(browser, live_server):
    template_load_shipped()
    institution = InstitutionFactory()
    librarian = user_with_role(Role.LIBRARIAN, institution=institution)
    reviewer = user_with_role(Role.REVIEWER, institution=institution)
    for n, status in enumerate(["submitted", "submitted", "published"]):
        make_record(project=ProjectFactory(institution=institution), status=status,
                    title_en=f"A rather long title of the observations of the Naruto whirlpools, part {n}")
    researcher = user_with_role(Role.RESEARCHER, institution=institution)
    dmp_transition(dmp_id=complete(make_dmp(pi=researcher, institution=institution)).pk, action="submit",
                   actor=researcher)
    pages = ((librarian, "/data/curation/", "Title"), (reviewer, "/dmps/review/", "Japan Grant Number"),
             (librarian, "/data/", "Title"))
    for user, path, first_label in pages:
        page = sign_in(browser, live_server, user, "en")
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(f"{live_server.url}{path}")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, path  # no sideways scrolling
        table = page.locator("table.stack-on-phone").first
        assert table.locator("thead").evaluate("el => el.getBoundingClientRect().height") <= 1
        row = table.locator("tbody tr").first
        assert row.evaluate("el => getComputedStyle(el).display") == "block"
        cell = row.locator("td[data-label]").first
        assert cell.evaluate("el => getComputedStyle(el, '::before').content") == f'"{first_label}："', path
        assert cell.evaluate(BOX)["right"] <= 375
        page.set_viewport_size({"width": 1280, "height": 800})  # a table again on a desktop
        assert row.evaluate("el => getComputedStyle(el).display") == "table-row"
        page.context.close()

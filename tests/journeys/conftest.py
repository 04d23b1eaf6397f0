"""Helpers for the role journeys: sign in as a user in a language, read the inbox counts from the home page,
`act` (click an action and its confirmation step, if there is one), and `Journey.look`, which collects each
page's visible text, compares it with the same page in English (for the language-leak check), runs axe-core
on each distinct page at 1 280 and 375 px (acceptance 2) and, when JOURNEY_SCREENSHOTS names a folder, writes
the page's screenshot there (`make screenshots`)."""

import os
import re
from pathlib import Path

import pytest
from django.utils import translation

from metadata.vocabularies import License
from portal.models import User
from tests.axe import axe_violations
from tests.conftest import IN_CI, _unavailable, chromium
from tests.factories import COMPLETE_PEOPLE, COMPLETE_RECORD, PASSWORD

VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 900}
SCREENSHOTS = os.environ.get("JOURNEY_SCREENSHOTS", "")
# The licences' names, which the vocabulary leaves untranslated (proper nouns).
LICENCE_NAMES = [str(label) for _value, label in License.choices if isinstance(label, str)]
# Proper nouns and codes that stay in Latin letters on a Japanese page; "No." of データNo. (the common
# metadata elements' own term); the search box's example "corpus"; Chromium's date-field placeholder.
ALLOWED = {"dmp", "dmps", "orcid", "e-rad", "doi", "dois", "csv", "api", "rest", "jpcoar", "gakunin", "oai-pmh",
           "json", "pdf", "url", "id", "ids", "english", "jsps", "jst", "amed", "kakenhi", "nedo", "meti", "ror",
           "madmp", "datacite", "inveniordm", "dataverse", "sword", "openapi", "xlsx", "http",
           "no", "corpus", "yyyy", "mm", "dd"}


def t(language: str, message: str, context: str = "") -> str:
    """`message` as the interface shows it in `language`."""
    with translation.override(language):
        return translation.pgettext(context, message) if context else translation.gettext(message)


def sign_in(browser, live_server, user, language: str):
    """A new browser context (1 280 px) with `user` signed in; their preferred language is `language`."""
    User.objects.filter(pk=user.pk).update(preferred_language=language)
    context = browser.new_context(viewport=VIEWPORT, locale=language,
                                  bypass_csp=True)  # to inject axe; the pages' own CSP is tested elsewhere
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    return page


def inbox_counts(page, live_server) -> dict[str, int]:
    """The home page's inbox sections with their counts (sections with nothing waiting are not shown), and
    the unread notifications beside the user's name."""
    page.goto(f"{live_server.url}/")
    return page.evaluate("""() => {
        const counts = {};
        for (const s of document.querySelectorAll('[data-inbox]')) {
            counts[s.dataset.inbox] = Number(s.querySelector('[data-count]').textContent);
        }
        const unread = document.querySelector('.notifications-link .badge');
        if (unread) counts.unread = Number(unread.textContent);
        return counts;
    }""")


def follow(locator):
    """Click a link or submit button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def act(page, name: str):
    """Click the action button called `name`, then the confirmation step's `[data-confirm]` button when the
    action asks for one."""
    follow(page.get_by_role("button", name=name, exact=True))
    confirm = page.locator("[data-confirm]")
    if confirm.count():
        follow(confirm.first)


def visible_text(page) -> str:
    """What a reader sees of the page: its title, the rendered text, placeholders and button values."""
    return page.evaluate("""() => {
        const seen = el => el.offsetParent !== null;
        const parts = [document.title, document.body.innerText];
        for (const el of document.querySelectorAll('[placeholder]')) if (seen(el)) parts.push(el.placeholder);
        for (const el of document.querySelectorAll('input[type=submit], input[type=button]')) {
            if (seen(el)) parts.push(el.value);
        }
        return parts.join('\\n');
    }""")


_NOT_WORDS = re.compile(r"\S+@\S+|https?://\S+|\S*\d\S*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")


def words(text: str, data: list[str]) -> set[str]:
    """The Latin-letter words of `text` (lower case), without the test's own data, addresses, numbers, dates."""
    for value in sorted(filter(None, data), key=len, reverse=True):
        text = text.replace(value, " ")
    return {w.lower() for w in _WORD.findall(_NOT_WORDS.sub(" ", text))}


class Journey:
    """One role's journey in one language: `look` records a page (and its English twin, on Japanese pages)."""

    def __init__(self, browser, live_server, role: str, language: str):
        self.browser, self.live_server, self.role, self.language = browser, live_server, role, language
        # Strings of the records the test created (not interface text), with the factories' defaults.
        self.data: list[str] = [*COMPLETE_RECORD.values(), *(p["name_en"] for p in COMPLETE_PEOPLE), "MJXX",
                                *LICENCE_NAMES]
        self.japanese: list[tuple[str, str]] = []  # (path, visible text) of each Japanese page seen
        self.english: list[str] = []  # the visible text of their English twins
        self.contexts = []
        self.server_errors: list[str] = []  # every answer >= 500 on the way (none is expected)
        self.checked: set[str] = set()  # the paths axe has checked
        self.violations: list[str] = []  # what axe found on them

    def close(self):
        for context in self.contexts:
            context.close()

    def url(self, path: str) -> str:
        return f"{self.live_server.url}{path}"

    def t(self, message: str, context: str = "") -> str:
        return t(self.language, message, context)

    def sign_in(self, user):
        self.user = user
        self.page = sign_in(self.browser, self.live_server, user, self.language)
        self.page.context.on("response", lambda r: self.server_errors.append(f"{r.status} {r.url}")
                             if r.status >= 500 else None)
        self.contexts.append(self.page.context)
        self.data += [user.email, user.family_name_ja, user.given_name_ja, user.family_name_en, user.given_name_en]
        return self.page

    def inbox(self) -> dict[str, int]:
        return inbox_counts(self.page, self.live_server)

    def act(self, name: str, context: str = ""):
        act(self.page, self.t(name, context))

    def follow(self, locator):
        follow(locator)

    def look(self, shot: str = "", twin: bool = True):
        """Record the page on screen for the language-leak check: a Japanese page's text, and the same page's
        text in English (`twin=False` for the answer to a POST, which has no twin). With JOURNEY_SCREENSHOTS
        set, `shot` names a screenshot `<role>-<shot>-<language>.png` of the page."""
        page = self.page
        self.check_accessibility()
        if SCREENSHOTS and shot:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{self.role}-{shot}-{self.language}.png"))
        if self.language != "ja":
            return
        self.japanese.append((page.url.removeprefix(self.live_server.url), visible_text(page)))
        if not twin:
            return
        User.objects.filter(pk=self.user.pk).update(preferred_language="en")
        english = page.context.new_page()
        try:
            english.goto(page.url)
            self.english.append(visible_text(english))
        finally:
            english.close()
            User.objects.filter(pk=self.user.pk).update(preferred_language="ja")

    def check_accessibility(self):
        """axe-core on the page on screen, at 1 280 px and at 375 px, once per path."""
        page, path = self.page, self.page.url.removeprefix(self.live_server.url).split("#")[0]
        if path in self.checked:
            return
        self.checked.add(path)
        for viewport in (VIEWPORT, PHONE):
            page.set_viewport_size(viewport)
            self.violations += [f"{self.language} {viewport['width']}px {path}: {v}" for v in axe_violations(page)]
        page.set_viewport_size(VIEWPORT)

    def assert_no_english_on_japanese_pages(self):
        """No word of the English interface (the English twins of the pages seen, less the test's data and
        the allowed proper nouns) appears on a Japanese page."""
        interface = set().union(*(words(text, self.data) for text in self.english)) - ALLOWED
        leaks = {path: found for path, text in self.japanese if (found := words(text, self.data) & interface)}
        assert not leaks, "English interface words on Japanese pages:\n" + "\n".join(
            f"{path}: {' '.join(sorted(found))}" for path, found in leaks.items())


@pytest.fixture(scope="module")
def browser(live_server):
    """One Chromium for every journey of the module (each journey signs in in a context of its own)."""
    reason = _unavailable("browser")
    if reason:  # as the `browser` marker does, which runs after module fixtures
        pytest.fail(f"CI must run this test, but it {reason}") if IN_CI else pytest.skip(reason)
    with chromium() as browser:
        yield browser


@pytest.fixture(params=["ja", "en"])
def language(request):
    return request.param

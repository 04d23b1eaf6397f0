"""axe-core (from npm, see package.json) injected by Playwright into a page: the WCAG 2.1 A/AA violations
it reports. Shared by tests/portal/test_accessibility.py and the role journeys (tests/journeys/)."""

from pathlib import Path

import pytest
from django.conf import settings

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_violations(page) -> list[str]:
    """Each violation on the page as `rule: first targets`. The page's context needs `bypass_csp=True`."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does it)")
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async (tags) => {
        const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
        return result.violations.map(v => `${v.id}: ${v.nodes.map(n => n.target.join(" ")).slice(0, 3).join(", ")}`);
    }""", WCAG)

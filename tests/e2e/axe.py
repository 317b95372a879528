"""axe-core from npm (node_modules/axe-core), run in a page without loosening its CSP.

`page.evaluate` runs the script as the browser's own tooling would, so the site's strict
Content-Security-Policy stays as it is served.
"""

from functools import cache
from pathlib import Path

AXE_SOURCE = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@cache
def _source() -> str:
    return AXE_SOURCE.read_text()


def axe_violations(page) -> list[str]:
    """Return one line per axe violation on the page as it is now (WCAG 2.2 A/AA)."""
    page.evaluate(_source())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_A_AA
    )
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×: "
        f"{violation['nodes'][0]['target']})"
        for violation in results["violations"]
    ]

"""Every public page, in French, English and Uyghur, on a 390 px phone: no axe violation, no
sideways scrolling, and nothing hidden in a box that scrolls sideways. (The HTML checker and
the template-syntax check read the same pages in tests/test_html_validity.py and
tests/test_public_pages.py.)"""

import os
from pathlib import Path

import pytest
from django.test import override_settings

from tests.e2e.axe import axe_violations
from tests.public_pages import LANGUAGES_WITH_UYGHUR, public_urls

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
# A box whose content is wider than itself, shown by scrolling it sideways or cut: on a phone
# the ledger's counts and fingerprints sat out of sight in one. A command block (`pre`) is
# the one place where a line may scroll, reachable by keyboard; a 1 px box is there for screen
# readers only.
HIDDEN_SIDEWAYS = """[...document.querySelectorAll("main *")]
  .filter(box => box.tagName !== "PRE" && !box.closest("pre") && box.clientWidth > 1)
  .filter(box => ["auto", "scroll", "hidden"].includes(getComputedStyle(box).overflowX))
  .filter(box => box.scrollWidth > box.clientWidth + 1)
  .map(box => `${box.tagName} ${box.className}: ${box.scrollWidth} px in ${box.clientWidth}`)"""


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_every_public_page_passes_axe_and_fits_a_phone(
    signing_site, supporter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        urls = public_urls()
    problems = {}
    for language, url in urls:
        response = supporter.goto(signing_site + url, wait_until="load")
        assert response.status == 200, url
        found = axe_violations(supporter)
        width = supporter.evaluate("document.documentElement.scrollWidth")
        if width > PHONE_WIDTH:
            found.append(f"scrolls sideways: {width} px wide")
        found += [f"hides content sideways: {box}" for box in supporter.evaluate(HIDDEN_SIDEWAYS)]
        if found:
            problems[f"{language} {url}"] = found

    Path(os.environ.get("SITE_CHECKS_REPORT", "/dev/null")).write_text(repr(problems))
    assert problems == {}, "\n".join(f"{page}: {found}" for page, found in problems.items())

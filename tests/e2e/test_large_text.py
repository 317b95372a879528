"""A reader who has set their browser's text twice as large (WCAG 1.4.4) reads every title."""

import pytest
from django.test import override_settings

from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def _text_twice_as_large(page) -> None:
    """Set the browser's default text size to 32 px, as a reader's setting does (16 px else)."""
    session = page.context.new_cdp_session(page)
    session.send("Page.enable")
    session.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
@pytest.mark.parametrize("path", ["/", "/ug/", "/privacy/"])
def test_with_text_twice_as_large_a_phone_shows_the_whole_title_without_scrolling_sideways(
    supporter, signing_site, path
):
    _text_twice_as_large(supporter)
    supporter.goto(f"{signing_site}{path}")

    assert supporter.evaluate("getComputedStyle(document.documentElement).fontSize") == "32px"
    # "Libérez Mamat" beside the portrait and "confidentialité" ran off the screen's edge, and
    # the whole page scrolled sideways.
    title = supporter.locator("main h1").bounding_box()
    assert title["x"] >= 0
    assert title["x"] + title["width"] <= PHONE_WIDTH
    title_overflows = supporter.locator("main h1").evaluate(
        "(title) => title.scrollWidth > title.clientWidth"
    )
    assert not title_overflows
    assert supporter.evaluate("document.documentElement.scrollWidth") == PHONE_WIDTH

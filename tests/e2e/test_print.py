"""A supporter prints the case or the petition: the story and the demand, no form or menus."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/petition/liberez-mamat/"])
def test_printing_keeps_the_story_and_the_demand_and_drops_the_form(supporter, signing_site, path):
    supporter.goto(f"{signing_site}{path}")
    supporter.emulate_media(media="print")

    expect(supporter.locator("h1")).to_be_visible()
    expect(supporter.locator(".rich-text").first).to_be_visible()
    for hidden in [".sign-form", ".site-nav", ".language-switcher", ".signature-counter"]:
        expect(supporter.locator(hidden).first).to_be_hidden()
    if "petition" in path:
        expect(supporter.locator(".petition__demand")).to_be_visible()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", supporter.pdf(format="A4")))
    assert 1 <= pages <= 3, pages  # it was 4 with the form and menus

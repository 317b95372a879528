"""On a phone: an error's field shown with its label, the copy button, English on Uyghur pages."""

import re

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from tests.e2e.supporter import link_in, sign
from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# How many lines tall a button is: its height over one line, its padding and its border.
BUTTON_LINES = """(button) => {
    const style = getComputedStyle(button);
    const one_line = ["lineHeight", "paddingTop", "paddingBottom", "borderTopWidth",
        "borderBottomWidth"].reduce((sum, name) => sum + parseFloat(style[name]), 0);
    return button.getBoundingClientRect().height / one_line;
}"""


def test_each_error_link_shows_its_field_with_the_label_above_it(supporter, signing_site):
    # Where each jump ends, without Bootstrap's smooth scrolling on the way there.
    supporter.emulate_media(reduced_motion="reduce")
    supporter.goto(f"{signing_site}/petition/liberez-mamat/")
    supporter.locator("#act-sign form.sign-form button[type=submit]").click()
    supporter.wait_for_url(re.compile(r"/sign/$"))

    links = supporter.get_by_role("alert").get_by_role("link")
    assert links.count() == 4  # first name, last name, email, country
    screen_height = supporter.viewport_size["height"]
    for index in range(links.count()):
        link = links.nth(index)
        field_id = link.get_attribute("href").removeprefix("#")
        link.click()

        expect(supporter.locator(f"#{field_id}")).to_be_focused()
        # The field came to the screen's top and its label ("E-mail*") stood 32 px above it.
        label = supporter.locator(f"label[for={field_id}]").bounding_box()
        assert label["y"] >= 0, f"{link.inner_text()} hides the field's label above the screen"
        assert label["y"] + label["height"] <= screen_height, link.inner_text()


def _copy_button_lines(page) -> float:
    row = page.locator(".share-panel__copy-row")
    button = row.get_by_role("button")
    expect(button).to_be_visible()
    row_box = row.bounding_box()
    assert row_box["x"] + row_box["width"] <= page.viewport_size["width"], "wider than the phone"
    return button.evaluate(BUTTON_LINES)


@pytest.mark.parametrize("width", [320, 390])
@pytest.mark.parametrize("prefix", ["", "/en"], ids=["fr", "en"])
def test_the_copy_button_after_signing_keeps_its_word_on_one_line(
    supporter, signing_site, prefix, width
):
    supporter.set_viewport_size({"width": width, "height": 844})
    supporter.goto(f"{signing_site}{prefix}/petition/liberez-mamat/signed/")

    # It broke into "Copi / er", two lines and 70 px tall, while the link's field kept its width.
    assert _copy_button_lines(supporter) == pytest.approx(1, abs=0.1)


def test_the_copy_button_after_confirming_keeps_its_word_on_one_line(
    supporter, signing_site, mailoutbox
):
    supporter.set_viewport_size({"width": 320, "height": 844})
    supporter.goto(f"{signing_site}/")
    sign(supporter, "fr", email="aynur@example.org")
    supporter.goto(link_in(mailoutbox[0], "confirm", signing_site))
    supporter.locator("main form button[type=submit]").click()
    expect(supporter.locator(".share-panel__code code")).to_be_visible()

    assert _copy_button_lines(supporter) == pytest.approx(1, abs=0.1)


# Where the share code's line boxes are, and how far the page scrolls sideways.
CODE_LINES = """(code) => ({
    lines: new Set([...code.getClientRects()].map((box) => Math.round(box.top))).size,
    right: code.getBoundingClientRect().right,
    page_width: document.documentElement.scrollWidth,
})"""


@pytest.mark.parametrize("prefix", ["", "/en"], ids=["fr", "en"])
def test_the_share_code_after_confirming_is_never_cut_in_two_on_a_phone(
    supporter, signing_site, mailoutbox, prefix
):
    supporter.set_viewport_size({"width": 320, "height": 844})
    supporter.goto(f"{signing_site}{prefix}/")
    sign(supporter, prefix.strip("/") or "fr", email="aynur@example.org")
    supporter.goto(link_in(mailoutbox[0], "confirm", signing_site))
    supporter.locator("main form button[type=submit]").click()
    code = supporter.locator(".share-panel__code code")
    expect(code).to_be_visible()

    # Every phone width, so that the code lands at a line's end at some of them.
    for width in range(320, 391):
        supporter.set_viewport_size({"width": width, "height": 844})
        shown = code.evaluate(CODE_LINES)
        # It broke as "Ab3_x / 9Qz", which a signer reads out or types as two codes.
        assert shown["lines"] == 1, f"the code is cut in two at {width} px"
        assert shown["right"] <= width, f"the code runs off the screen at {width} px"
        assert shown["page_width"] <= width, f"the page scrolls sideways at {width} px"


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_a_target_named_in_english_on_a_uyghur_page_is_a_left_to_right_item(
    mamat_campaign, live_server, browser_page
):
    browser_page.goto(f"{live_server.url}/ug/petition/liberez-mamat/")

    target = browser_page.locator(".petition__targets li").first
    # The item itself, not only its words: they ran left to right after a bullet at their right.
    assert target.evaluate("(item) => getComputedStyle(item).direction") == "ltr"
    list_box = browser_page.locator(".petition__targets").bounding_box()
    words_start = target.evaluate(
        "(item) => { const words = document.createRange(); words.selectNodeContents(item);"
        " return words.getBoundingClientRect().x; }"
    )
    # Its words begin on the left, indented to leave its bullet room inside the list.
    assert list_box["x"] < words_start < list_box["x"] + list_box["width"] / 2


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_the_share_links_on_a_uyghur_page_line_up_with_the_panels_text(signing_site, browser_page):
    browser_page.goto(f"{signing_site}/ug/petition/liberez-mamat/signed/")

    links = browser_page.locator("#share .share-links")
    padding = links.evaluate(
        "(list) => [getComputedStyle(list).paddingLeft, getComputedStyle(list).paddingRight]"
    )

    # A row of buttons, not a list of bullets: the English panel's lists were indented by 2rem.
    assert padding == ["0px", "0px"]
    heading = browser_page.locator("#share h2").bounding_box()
    first_link = links.get_by_role("link").first.bounding_box()
    assert first_link["x"] == pytest.approx(heading["x"], abs=1)


# Which side of a field each of its background images (a select's arrow, an error's warning
# sign) stands on: Chromium gives a position from the right as calc(100% - …).
BACKGROUND_SIDES = """(field) => getComputedStyle(field).backgroundPositionX.split(",").map(
    (position) => /^(calc\\(100%|right|100%)/.test(position.trim()) ? "right" : "left")"""


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_a_refused_english_form_on_a_uyghur_page_keeps_its_signs_at_the_right(
    signing_site, browser_page
):
    browser_page.goto(f"{signing_site}/ug/petition/liberez-mamat/")
    form = browser_page.locator("#act-sign form.sign-form")
    form.get_by_role("button", name="Sign the petition").click()
    browser_page.wait_for_url(re.compile(r"/sign/$"))

    # The select's arrow stood at its right before the refusal; it stays there, its warning
    # sign beside it, and the English text keeps starting at the left.
    country = browser_page.locator("#id_country")
    assert country.evaluate(BACKGROUND_SIDES) == ["right", "right"]
    first_name = browser_page.locator("#id_first_name")
    assert first_name.evaluate(BACKGROUND_SIDES) == ["right"]
    for field in (country, first_name):
        padding = field.evaluate(
            "(field) => [getComputedStyle(field).paddingLeft, getComputedStyle(field).paddingRight]"
        )
        assert float(padding[0][:-2]) < float(padding[1][:-2]), padding


def test_a_long_address_quoted_under_its_field_stays_on_the_phone(supporter, signing_site):
    supporter.goto(f"{signing_site}/petition/liberez-mamat/")
    sign(supporter, "fr", email="aynur.tursun.campaign.supporter.2026@gmial.com")
    supporter.wait_for_url(re.compile(r"/sign/$"))

    # "Vouliez-vous écrire aynur.tursun…@gmail.com ?" under the field, the address unbroken.
    message = supporter.locator("#id_email_error")
    expect(message).to_contain_text("aynur.tursun.campaign.supporter.2026@gmail.com")
    field = supporter.locator("#id_email").bounding_box()
    words_end = message.evaluate(
        "(message) => { const words = document.createRange(); words.selectNodeContents(message);"
        " return words.getBoundingClientRect().right; }"
    )
    assert words_end <= field["x"] + field["width"] + 1, "the address runs past its field"
    assert supporter.evaluate("document.documentElement.scrollWidth") <= 390, "wider than the phone"

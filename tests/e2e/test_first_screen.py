"""On a 390 × 844 phone the first screen shows Mamat's face, the count, the goal and the button."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from playwright.sync_api import expect

from campaign.models import Page
from petitions.counter import petition_count_cache_key
from petitions.models import Petition
from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORT_HEIGHT = 844


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def _above_the_fold(page, locator) -> None:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box["y"] + box["height"] <= VIEWPORT_HEIGHT, (locator, box)


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
@pytest.mark.parametrize("prefix", ["", "/en", "/ug"])
def test_a_new_site_shows_a_drawn_portrait_no_fake_count_and_the_sign_button(
    signing_site, supporter, prefix
):
    supporter.goto(f"{signing_site}{prefix}/")

    portrait = supporter.locator(".first-screen__portrait img")
    assert portrait.get_attribute("src").endswith("portrait-placeholder.svg")
    assert portrait.get_attribute("alt")
    _above_the_fold(supporter, portrait)
    _above_the_fold(supporter, supporter.locator("h1"))
    counter = supporter.locator(".page__header .signature-counter")
    _above_the_fold(supporter, counter.locator("[data-count-when=none]"))
    expect(counter.locator("[data-count-when=some]")).to_be_hidden()
    _above_the_fold(supporter, counter.locator("progress"))
    _above_the_fold(supporter, counter.locator("[data-count-goal]"))
    button = supporter.locator(".first-screen__sign a")
    _above_the_fold(supporter, button)
    assert button.get_attribute("href") == "#act-sign"


def test_the_uploaded_portrait_its_credit_and_the_count_toward_the_next_goal(
    signing_site, supporter
):
    page = Page.objects.get(slug="mamat")
    with open("static/img/share.png", "rb") as image:
        page.image.save("mamat.png", SimpleUploadedFile("mamat.png", image.read()), save=False)
    page.image_alt_fr = "Mamat, souriant, en 2015"
    page.image_credit_fr = "Photo : sa famille"
    page.save()
    cache.set(petition_count_cache_key(Petition.objects.get().pk), 1234)
    supporter.goto(f"{signing_site}/")

    portrait = supporter.locator(".first-screen__portrait img")
    assert portrait.get_attribute("alt") == "Mamat, souriant, en 2015"
    expect(supporter.locator(".first-screen__portrait figcaption")).to_have_text(
        "Photo : sa famille"
    )
    _above_the_fold(supporter, portrait)
    counter = supporter.locator(".page__header .signature-counter")
    number = counter.locator("[data-count-number]")
    _above_the_fold(supporter, number)
    assert _digits(number.inner_text()) == "1234"
    assert _digits(counter.locator("[data-count-goal]").inner_text()) == "5000"
    assert counter.locator("progress").get_attribute("value") == "1234"
    expect(counter.locator("[data-count-when=none]")).to_be_hidden()


def test_a_phone_on_the_petition_page_sees_the_count_and_a_button_straight_to_the_form(
    signing_site, supporter
):
    cache.set(petition_count_cache_key(Petition.objects.get().pk), 321)
    supporter.goto(f"{signing_site}/petition/liberez-mamat/")

    header = supporter.locator(".page__header")
    _above_the_fold(supporter, header.locator("h1"))
    _above_the_fold(supporter, header.locator("[data-count-number]"))
    assert _digits(header.locator("[data-count-number]").inner_text()) == "321"
    button = header.get_by_role("link", name="Signer la pétition")
    _above_the_fold(supporter, button)
    form = supporter.locator("#act-sign form.sign-form")
    expect(form).not_to_be_in_viewport()

    button.click()
    expect(supporter.locator("#id_first_name")).to_be_in_viewport()


def test_on_a_desktop_the_petition_form_stands_beside_the_text_without_a_second_count(
    browser, signing_site
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    desktop = context.new_page()
    desktop.goto(f"{signing_site}/petition/liberez-mamat/")

    expect(desktop.locator(".page__header .signature-counter")).to_be_hidden()
    expect(desktop.locator(".page__header .btn")).to_be_hidden()
    expect(desktop.locator("#act-sign .signature-counter")).to_be_in_viewport()
    expect(desktop.locator("#id_first_name")).to_be_in_viewport()
    context.close()


def test_on_a_desktop_the_count_stands_clear_of_the_portrait_above_it(browser, signing_site):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    desktop = context.new_page()
    desktop.goto(f"{signing_site}/")

    portrait = desktop.locator(".first-screen__portrait").bounding_box()
    count = desktop.locator(".page__header .signature-counter").bounding_box()
    assert count["y"] - (portrait["y"] + portrait["height"]) >= 16
    context.close()


def test_a_phone_on_a_closed_petition_learns_it_at_once_with_the_final_count(
    signing_site, supporter
):
    petition = Petition.objects.get()
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    cache.clear()
    cache.set(petition_count_cache_key(petition.pk), 4321)
    supporter.goto(f"{signing_site}/petition/liberez-mamat/")

    header = supporter.locator(".page__header")
    _above_the_fold(supporter, header.get_by_text("Cette pétition est close."))
    assert _digits(header.locator("[data-count-number]").inner_text()) == "4321"
    expect(header.get_by_role("link", name="Signer la pétition")).to_have_count(0)

"""The short pages of signing (check your email, confirm, withdrawn, a broken link) on a phone."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    "path",
    [
        "/petition/liberez-mamat/signed/",
        "/petition/withdrawn/",
        "/petition/confirm/not-a-link/",
        "/en/petition/withdraw/not-a-link/",
    ],
)
def test_a_short_pages_title_stands_clear_of_the_navigation(supporter, signing_site, path):
    supporter.goto(f"{signing_site}{path}")

    navigation = supporter.locator("body > header").bounding_box()
    title_top = supporter.locator("main h1").bounding_box()["y"]
    navigation_bottom = navigation["y"] + navigation["height"]
    # As much air as the long pages' headers give their titles (2rem), not the 3 px it was.
    assert title_top - navigation_bottom >= 24


@pytest.mark.parametrize("path", ["/petition/withdrawn/", "/en/petition/withdraw/not-a-link/"])
def test_a_short_pages_footer_stands_at_the_foot_of_the_phone_s_screen(
    supporter, signing_site, path
):
    supporter.goto(f"{signing_site}{path}")

    footer = supporter.locator("body > footer").bounding_box()
    screen_height = supporter.viewport_size["height"]
    # It stood at 710 px of 844, over a band of white.
    assert footer["y"] + footer["height"] == pytest.approx(screen_height, abs=1)

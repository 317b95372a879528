"""A supporter opens the confirmation email on their phone: one button, big enough to tap."""

import pytest

from tests.e2e.supporter import sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_confirmation_email_on_a_phone_has_a_button_a_thumb_finds(
    supporter, signing_site, mailoutbox
):
    supporter.goto(f"{signing_site}/")
    sign(supporter, "fr", email="aynur@example.org")
    supporter.wait_for_url(f"{signing_site}/petition/liberez-mamat/signed/")
    [message] = mailoutbox
    supporter.goto("about:blank")  # out of the site: its CSP would refuse the inline styles
    supporter.requested.clear()

    supporter.set_content(message.alternatives[0][0])

    button = supporter.get_by_role("link", name="Je confirme ma signature")
    box = button.bounding_box()
    assert box["height"] >= 44  # the smallest target WCAG and Apple's guidelines advise
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert supporter.evaluate("document.documentElement.scrollWidth") <= 390
    assert supporter.requested == []  # opening it fetched nothing

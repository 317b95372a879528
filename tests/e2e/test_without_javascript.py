"""A supporter with JavaScript off (Tor Browser's safest level) signs, confirms, shares and
withdraws: every step is a link or a form, and the count is written by the server."""

import re

import pytest
from playwright.sync_api import expect

from petitions.models import Signature
from tests.e2e.supporter import count, link_in, only_our_origin, sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_signer_without_javascript_signs_confirms_shares_and_withdraws(
    supporter_without_javascript, signing_site, mailoutbox
):
    page = supporter_without_javascript
    page.goto(f"{signing_site}/")
    assert (
        page.evaluate("1 + 1") == 2
    )  # Playwright's own evaluation still works; the page's scripts do not
    expect(page.locator(".page__header [data-count-when=none]")).to_be_visible()

    sign(page, "fr", email="aynur@example.org")
    page.wait_for_url(f"{signing_site}/petition/liberez-mamat/signed/")
    expect(page.locator("#share").get_by_role("link", name="E-mail")).to_be_visible()

    page.goto(link_in(mailoutbox[0], "confirm", signing_site))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Merci", exact=True).wait_for()
    share_url = page.locator("#share-url").input_value()
    code = Signature.objects.get().share_code
    assert share_url.endswith(f"/petition/liberez-mamat/?src={code}")
    whatsapp = page.locator("#share").get_by_role("link", name="WhatsApp").get_attribute("href")
    assert whatsapp.startswith("https://wa.me/?text=") and f"src%3D{code}" in whatsapp

    page.goto(f"{signing_site}/")
    assert count(page) == 1
    expect(page.locator(".page__header [data-count-number]")).to_have_text("1")

    withdraw = re.search(
        r'href="(/petition/withdraw/[^"]+)"', _thank_you_html(page, signing_site, mailoutbox)
    )
    page.goto(signing_site + withdraw.group(1))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Votre signature est retirée").wait_for()
    assert not Signature.objects.filter(erased_at__isnull=True).exists()
    page.goto(f"{signing_site}/")
    assert count(page) == 0
    only_our_origin(page, signing_site)


def _thank_you_html(page, site, mailoutbox) -> str:
    page.goto(link_in(mailoutbox[0], "confirm", site))
    return page.content()

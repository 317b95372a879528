"""A supporter is asked to share at the moment of signing, and again once confirmed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.supporter import link_in, only_our_origin, sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_check_your_email_asks_to_share_and_tells_the_truth_about_resent_links(
    supporter, signing_site
):
    supporter.goto(f"{signing_site}/")
    sign(supporter, "fr", email="aynur@example.org")
    supporter.wait_for_url(f"{signing_site}/petition/liberez-mamat/signed/")

    panel = supporter.locator("#share")
    expect(panel.get_by_role("heading", name="Maintenant, partagez la pétition")).to_be_visible()
    assert panel.locator("#share-url").input_value() == f"{signing_site}/petition/liberez-mamat/"
    expect(panel.get_by_role("link", name="WhatsApp")).to_be_visible()
    main = supporter.locator("main").inner_text()
    assert "déjà confirmée ne reçoit plus rien" in main
    assert "Si vous aviez déjà signé, nous renvoyons le lien" not in main
    only_our_origin(supporter, signing_site)


def test_after_confirming_the_phone_shares_the_signers_own_link(
    supporter, signing_site, mailoutbox
):
    supporter.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
    )
    supporter.context.grant_permissions(["clipboard-read", "clipboard-write"])
    supporter.goto(f"{signing_site}/en/")
    sign(supporter, "en", email="aynur@example.org")
    supporter.goto(link_in(mailoutbox[0], "confirm", signing_site))
    supporter.locator("main form button[type=submit]").click()

    panel = supporter.locator("#share")
    code = panel.locator(".share-panel__code code").inner_text()
    panel.get_by_role("button", name="Share…").click()
    shared = supporter.evaluate("window.shared")
    panel.get_by_role("button", name="Copy").click()

    assert shared["url"].endswith(f"/petition/liberez-mamat/?src={code}")
    expect(panel.get_by_role("button", name="Copied")).to_be_visible()
    # A screen reader hears it too: a status message, not only a button's changed text.
    expect(panel.get_by_role("status")).to_have_text("The link is copied.")
    assert supporter.evaluate("navigator.clipboard.readText()") == shared["url"]


def test_without_javascript_the_share_panel_offers_plain_links_and_the_link(
    supporter_without_javascript, signing_site
):
    page = supporter_without_javascript
    page.goto(f"{signing_site}/petition/liberez-mamat/signed/")

    panel = page.locator("#share")
    expect(panel.get_by_role("button", name="Partager…")).to_be_hidden()
    expect(panel.get_by_role("button", name="Copier")).to_be_hidden()
    expect(panel.get_by_role("link", name="Telegram")).to_be_visible()
    expect(panel.locator("#share-url")).to_be_visible()

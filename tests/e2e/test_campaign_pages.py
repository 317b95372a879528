"""On a phone: each call to action leads somewhere of its own, only names are named, and the
contact, legal and privacy pages say what they must."""

import re

import pytest
from playwright.sync_api import expect

from petitions import recent_signers
from petitions.models import Petition
from tests.e2e.supporter import link_in, sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_each_call_to_action_leads_somewhere_of_its_own(supporter, signing_site):
    supporter.goto(f"{signing_site}/")

    supporter.locator("#act-demand-care").get_by_role("link").click()
    supporter.wait_for_url(f"{signing_site}/petition/liberez-mamat/#demand")
    expect(supporter.locator("#demand")).to_be_in_viewport()

    supporter.goto(f"{signing_site}/")
    supporter.locator("#act-demand-information").get_by_role("link").click()
    supporter.wait_for_url(f"{signing_site}/petition/liberez-mamat/")

    supporter.goto(f"{signing_site}/")
    supporter.locator(".first-screen__sign a").click()
    expect(supporter.locator("#act-sign form.sign-form")).to_be_in_viewport()
    assert supporter.locator("#act-share .share-links a").count() >= 5


@pytest.mark.parametrize(
    ("junk", "shown"),
    [("Visit http://evil.example", None), ("Ay\u202eruna", "Ayruna")],
    ids=["an address", "a right-to-left override"],
)
def test_only_names_are_listed_publicly_and_without_their_control_characters(
    supporter, signing_site, mailoutbox, junk, shown
):
    for first_name, email in [("Aynur", "aynur@example.org"), (junk, "junk@example.org")]:
        supporter.goto(f"{signing_site}/")
        sign(supporter, "fr", email=email, first_name=first_name, show_name=True)
        if first_name == junk and shown is None:
            # Not a name: the form says so at once; unticked, the signature counts, unnamed.
            expect(
                supporter.get_by_text("écrivez ce nom en lettres seulement").first
            ).to_be_visible()
            form = supporter.locator("#act-sign form.sign-form")
            form.locator("input[name=show_first_name]").uncheck()
            form.locator("button[type=submit]").click()
        supporter.wait_for_url(re.compile(r"/signed/$"))
        supporter.goto(link_in(mailoutbox[-1], "confirm", signing_site))
        supporter.locator("main form button[type=submit]").click()
        supporter.get_by_role("heading", level=1).wait_for()

    # The public list is kept RECENT_SIGNERS_SECONDS; do not wait for it to be read again.
    recent_signers.signers_recent_forget(petition_id=Petition.objects.get().pk)
    supporter.goto(f"{signing_site}/petition/liberez-mamat/")

    listed = supporter.locator(".recent-signers__list").inner_text()
    assert "Aynur" in listed and "evil" not in listed and "\u202e" not in listed
    if shown:
        assert shown in listed
    expect(supporter.locator("[data-count-number]").first).to_have_text("2")
    # The names are a section of their own, not a line stuck under the form's button.
    button = supporter.locator("#act-sign form.sign-form button[type=submit]").bounding_box()
    heading = supporter.locator("#recent-signers-title").bounding_box()
    assert heading["y"] - (button["y"] + button["height"]) >= 24


def test_the_footer_leads_to_the_contact_page_and_a_complete_legal_notice(supporter, signing_site):
    supporter.goto(f"{signing_site}/en/")

    supporter.locator("footer").get_by_role("link", name="Contact and press").click()
    expect(supporter.get_by_role("link", name="contact@example.org")).to_be_visible()
    supporter.locator("footer").get_by_role("link", name="Legal notice").click()
    legal = supporter.locator(".legal-details").inner_text()
    assert "Publisher" in legal and "Director of publication" in legal and "Host" in legal
    supporter.locator("footer").get_by_role("link", name="Privacy").click()
    expect(supporter.get_by_role("heading", name="When you sign")).to_be_visible()
    assert "postcode" not in supporter.locator("main").inner_text().lower()
    # What the form asks, and how to withdraw, read as the rest of the policy: the same type,
    # the same headings.
    style = "element => [getComputedStyle(element).fontSize, getComputedStyle(element).lineHeight]"
    policy = supporter.locator(".page__body > .rich-text")
    expect(supporter.get_by_role("heading", name="Withdrawing your signature")).to_be_visible()
    for section in supporter.locator(".data-asked").all():
        assert section.locator("p").first.evaluate(style) == policy.locator("p").first.evaluate(
            style
        )
        assert section.locator("h2").evaluate(style) == policy.locator("h2").first.evaluate(style)

"""A supporter signs on their phone, confirms from the email, and sees the count go up."""

import re

import pytest
from playwright.sync_api import expect

from petitions import signature_links
from petitions.models import Signature
from tests.e2e.conftest import PHONE
from tests.e2e.supporter import count as _count
from tests.e2e.supporter import link_in as _link_in
from tests.e2e.supporter import only_our_origin as _only_our_origin
from tests.e2e.supporter import sign as _sign

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


# The thank-you page greets by name only a signer whose first name stays readable because
# they asked for it to be shown; for the others the row no longer holds it.
@pytest.mark.parametrize(
    ("language", "prefix", "subject", "show_name", "thanks"),
    [
        ("fr", "", "Confirmez votre signature", True, "Merci, Aynur"),
        ("en", "/en", "Confirm your signature", False, "Thank you"),
    ],
)
def test_a_supporter_signs_confirms_from_the_email_and_is_counted(
    supporter, signing_site, mailoutbox, language, prefix, subject, show_name, thanks
):
    supporter.goto(f"{signing_site}{prefix}/")
    before = _count(supporter)

    _sign(supporter, language, email="aynur@example.org", show_name=show_name)

    supporter.wait_for_url(f"{signing_site}{prefix}/petition/liberez-mamat/signed/")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.subject.startswith(subject)
    assert message.to == ["aynur@example.org"]

    supporter.goto(_link_in(message, "confirm", signing_site))
    assert Signature.objects.get().status == Signature.Status.PENDING  # opening is not confirming
    supporter.locator("main form button[type=submit]").click()
    supporter.get_by_role("heading", name=thanks, exact=True).wait_for()

    supporter.goto(f"{signing_site}{prefix}/")
    assert _count(supporter) == before + 1
    _only_our_origin(supporter, signing_site)


def test_signing_again_in_other_letter_case_is_counted_once(supporter, signing_site, mailoutbox):
    supporter.goto(f"{signing_site}/")
    _sign(supporter, "fr", email="aynur@example.org")
    supporter.goto(_link_in(mailoutbox[0], "confirm", signing_site))
    supporter.locator("main form button[type=submit]").click()
    supporter.get_by_role("heading", name="Merci", exact=True).wait_for()

    supporter.goto(f"{signing_site}/en/")
    _sign(supporter, "en", email="AYNUR@Example.ORG", first_name="Again")

    supporter.wait_for_url(f"{signing_site}/en/petition/liberez-mamat/signed/")
    supporter.goto(f"{signing_site}/")
    assert _count(supporter) == 1
    assert Signature.objects.count() == 1
    assert len(mailoutbox) == 1


def _sign_and_confirm_elsewhere(browser, signing_site, email):
    """Another supporter signs on their own phone and confirms: the count goes up by one."""
    other = browser.new_context(**PHONE).new_page()
    other.goto(f"{signing_site}/en/")
    _sign(other, "en", email=email)
    other.wait_for_url(re.compile(r".*/signed/$"))
    signature = Signature.objects.get(email_domain="example.org", confirmed_at=None)
    other.goto(
        f"{signing_site}/en/petition/confirm/"
        f"{signature_links.confirmation_token_make(signature=signature)}/"
    )
    other.locator("main form button[type=submit]").click()
    other.get_by_role("heading", name="Thank you", exact=True).wait_for()
    other.context.close()


def test_the_counter_goes_up_live_without_reloading(supporter, signing_site, browser):
    supporter.goto(f"{signing_site}/")
    assert _count(supporter) == 0
    count_line = supporter.locator("#act-sign [data-count-when=some]")

    _sign_and_confirm_elsewhere(browser, signing_site, "someone@example.org")

    supporter.locator('#act-sign [data-signature-count="1"]').wait_for(timeout=10_000)
    assert count_line.inner_text() == "1 signature"

    _sign_and_confirm_elsewhere(browser, signing_site, "another@example.org")

    # The word follows the number: the page was drawn at "0 signature".
    supporter.locator('#act-sign [data-signature-count="2"]').wait_for(timeout=10_000)
    assert count_line.inner_text() == "2 signatures"


def test_the_form_works_without_javascript_and_shows_errors_in_french(browser, signing_site):
    context = browser.new_context(**PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{signing_site}/")

    page.locator("#act-sign form.sign-form button[type=submit]").click()

    assert "Ce champ est obligatoire." in page.locator("main").inner_text()
    assert Signature.objects.count() == 0
    context.close()


def test_a_hostile_first_name_is_never_said_on_the_thank_you_page(
    supporter, signing_site, mailoutbox
):
    hostile = "<img src=x onerror=alert(1)>"
    dialogs = []
    supporter.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    supporter.goto(f"{signing_site}/")
    # Asked to be shown, it is refused at once, the form saying why.
    _sign(supporter, "fr", email="hostile@example.org", first_name=hostile, show_name=True)
    expect(supporter.get_by_text("écrivez ce nom en lettres seulement").first).to_be_visible()
    assert mailoutbox == []

    form = supporter.locator("#act-sign form.sign-form")
    form.locator("input[name=show_first_name]").uncheck()
    form.locator("button[type=submit]").click()
    supporter.wait_for_url("**/signed/")
    supporter.goto(_link_in(mailoutbox[0], "confirm", signing_site))
    supporter.locator("main form button[type=submit]").click()

    heading = supporter.get_by_role("heading", level=1)
    heading.wait_for()
    assert heading.inner_text() == "Merci"
    assert supporter.locator("main img").count() == 0
    assert dialogs == []


@pytest.mark.parametrize("path", ["/", "/petition/liberez-mamat/", "/en/petition/liberez-mamat/"])
def test_the_sign_form_passes_wcag_checks(supporter, signing_site, path):
    from axe_playwright_python.sync_playwright import Axe

    supporter.goto(f"{signing_site}{path}", wait_until="networkidle")

    results = Axe().run(
        supporter,
        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21aa"]}},
    )
    assert results.violations_count == 0, results.generate_report()

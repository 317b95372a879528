"""A phone user who sends the form with a mistake lands on the errors, not the page's top."""

import re

import pytest
from playwright.sync_api import expect

from petitions.models import Signature

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_bad_submission_opens_on_the_error_summary_which_takes_focus(
    supporter, supporter_without_javascript, signing_site, javascript
):
    page = supporter if javascript else supporter_without_javascript
    page.goto(f"{signing_site}/petition/liberez-mamat/")
    form = page.locator("#act-sign form.sign-form")
    form.get_by_label(re.compile(r"^\s*E-mail")).fill("not an address")

    form.locator("button[type=submit]").click()

    page.wait_for_url(re.compile(r"/sign/$"))
    assert page.title().startswith("Erreur")
    summary = page.get_by_role("alert")
    assert summary.get_by_role("heading").inner_text() == "Il y a un problème"
    assert page.evaluate("document.activeElement.id") == "form-errors"
    expect(page.locator("#form-errors")).to_be_in_viewport()
    links = summary.get_by_role("link")
    assert links.count() == 4  # first name, last name, email, country
    assert links.nth(2).get_attribute("href") == "#id_email"
    assert Signature.objects.count() == 0


def test_each_error_leads_to_its_field(supporter, signing_site):
    supporter.goto(f"{signing_site}/en/petition/liberez-mamat/")
    supporter.locator("#act-sign form.sign-form button[type=submit]").click()

    supporter.get_by_role("alert").get_by_role("link", name=re.compile("^Country")).click()

    assert supporter.evaluate("document.activeElement.id") == "id_country"
    expect(supporter.locator("#id_country")).to_be_in_viewport()

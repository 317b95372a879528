"""A staff member writing for a long time is warned before the idle session ends, and can stay."""

import os

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from campaign.models import Page
from tests.e2e.staff_pages import staff_browser_page

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are
# still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Short, so that the test waits seconds: the warning comes a quarter of the time ahead.
IDLE_SECONDS = 8


@pytest.fixture
def writing(browser, live_server, mamat_campaign, settings):
    """A superuser halfway through rewriting the camps page's French title."""
    settings.STAFF_SESSION_IDLE_SECONDS = IDLE_SECONDS
    writer = User.objects.create_superuser("nadira", email="nadira@campaign.example")
    context, page = staff_browser_page(browser, live_server, writer, locale="fr-FR")
    camps = Page.objects.get(slug="camps")
    page.goto(f"{live_server.url}/admin/campaign/page/{camps.pk}/change/")
    page.fill("#id_title_fr", "Les camps, ce que l'on en sait")
    yield page, camps
    context.close()


def test_staying_signed_in_keeps_the_session_and_the_text_is_saved(writing):
    page, camps = writing
    warning = page.locator("#session-timeout")

    expect(warning).to_be_visible(timeout=IDLE_SECONDS * 1000)
    expect(warning.locator("h2:visible")).to_have_text("Votre session va bientôt se fermer")
    page.get_by_role("button", name="Prolonger la session").click()
    expect(warning).to_be_hidden()
    # Past the moment the session would have ended without the press.
    page.wait_for_timeout(3000)
    page.click("input[name=_save]")

    page.wait_for_url("**/admin/campaign/page/")
    camps.refresh_from_db()
    assert camps.title_fr == "Les camps, ce que l'on en sait"


def test_left_alone_the_page_signs_out_and_says_the_text_is_still_there(writing):
    page, _camps = writing
    warning = page.locator("#session-timeout")

    expect(warning.get_by_text("Votre session s'est fermée")).to_be_visible(
        timeout=(IDLE_SECONDS + 3) * 1000
    )
    page.get_by_role("button", name="Fermer").click()

    assert page.input_value("#id_title_fr") == "Les camps, ce que l'on en sait"
    # The server signed out too: nothing kept the session alive behind the staff member's back.
    page.goto(page.url)
    assert "/admin/login/" in page.url


def _renewed_after(tab, browser_ms: float) -> float:
    """Wait until a staff tab of this browser reaches the server after `browser_ms`; say when.

    Times are the browser's clock in ms, as session_timeout.js keeps them.
    """
    renewed = "() => Number(window.localStorage.getItem('staff-session-renewed-at'))"
    tab.wait_for_function(f"(after) => ({renewed})() > after", arg=browser_ms)
    return tab.evaluate(renewed)


def _wait_until(tab, browser_ms: float) -> None:
    tab.wait_for_function("(ms) => Date.now() >= ms", arg=browser_ms, timeout=60_000, polling=100)


def test_a_page_left_in_one_tab_stays_open_while_another_tab_is_used(
    browser, live_server, mamat_campaign, settings
):
    # The warning comes 4 s ahead. The test follows the browser's own record of each tab's
    # visit, so a slow machine makes it wait longer, never misread.
    idle_seconds = 16
    settings.STAFF_SESSION_IDLE_SECONDS = idle_seconds
    writer = User.objects.create_superuser("nadira", email="nadira@campaign.example")
    context, writing_tab = staff_browser_page(browser, live_server, writer, locale="fr-FR")
    camps = Page.objects.get(slug="camps")
    writing_tab.goto(f"{live_server.url}/admin/campaign/page/{camps.pk}/change/")
    writing_page_seen = _renewed_after(writing_tab, 0)
    writing_tab.fill("#id_title_fr", "Les camps, ce que l'on en sait")

    # Shortly before the writing tab would warn, the staff member checks the signatures in a
    # second tab: that request keeps the session for another full idle time.
    _wait_until(writing_tab, writing_page_seen + (idle_seconds - 6) * 1000)
    other_tab = context.new_page()
    other_tab.goto(f"{live_server.url}/admin/petitions/signature/")
    other_tab_seen = _renewed_after(other_tab, writing_page_seen)

    # Past the moment the writing tab's own page would have ended the session, and past the
    # next check it makes of the clock.
    _wait_until(writing_tab, writing_page_seen + idle_seconds * 1000 + 1500)
    warning = writing_tab.locator("#session-timeout")
    expect(warning.get_by_text("Votre session s'est fermée")).to_be_hidden()
    # The session lives on for the other tab's full time, so there is no warning either.
    warning_due = other_tab_seen + (idle_seconds - idle_seconds / 4) * 1000
    assert writing_tab.evaluate("Date.now()") < warning_due - 1000, "the machine was too slow"
    expect(warning).to_be_hidden()

    writing_tab.click("input[name=_save]")
    writing_tab.wait_for_url("**/admin/campaign/page/")
    camps.refresh_from_db()
    assert camps.title_fr == "Les camps, ce que l'on en sait"
    context.close()

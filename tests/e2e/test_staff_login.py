"""A new staff member's first login, a second login, and a password guesser, in Chromium."""

import base64
import os
import re

import pytest
from django.core.signals import request_started
from django_otp.oath import totp
from playwright.sync_api import expect

from staff.models import AccessEvent
from tests.e2e.conftest import PHONE
from tests.staff_fixtures import STAFF_PASSWORD, staff_user_create

# Playwright's sync API runs an event loop in the test thread; the ORM calls around it are
# still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

ENROL = re.compile(r"/admin/two-factor/enrol/\?")
VERIFY = re.compile(r"/admin/two-factor/\?")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def paths_asked():
    """The paths the live server was asked for, the browser's own requests included."""
    paths = []

    def record(sender, environ, **kwargs):
        paths.append(environ["PATH_INFO"])

    request_started.connect(record)
    yield paths
    request_started.disconnect(record)


@pytest.fixture
def staff_page(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text and page.csp_violations.append(message.text)
        ),
    )
    yield page
    context.close()


def _log_in(page, base_url, password=STAFF_PASSWORD):
    page.goto(f"{base_url}/admin/")
    page.fill("#id_username", "nadira")
    page.fill("#id_password", password)
    page.click("#login-form [type=submit]")


def _app_code(displayed_secret: str) -> str:
    """Do what the authenticator app does with the key the page shows."""
    key = base64.b32decode(displayed_secret.replace(" ", ""))
    return f"{totp(key):06d}"


def test_new_staff_member_enrols_then_cannot_skip_the_code_then_a_guesser_is_locked_out(
    live_server, staff_page, paths_asked
):
    page = staff_page
    staff_user_create("nadira", is_superuser=True)  # as `createsuperuser` makes them

    # First login: the password leads to enrolment, not to the admin.
    _log_in(page, live_server.url)
    expect(page).to_have_url(ENROL)
    assert page.get_attribute("img.staff-qr-code", "src").startswith("data:image/svg+xml")
    page.goto(f"{live_server.url}/admin/campaign/page/")
    expect(page).to_have_url(ENROL)
    page.fill("#id_token", _app_code(page.inner_text(".staff-secret")))
    page.click("#two-factor-form [type=submit]")

    codes = page.locator(".staff-backup-codes code").all_inner_texts()
    assert len(codes) == 10
    # Copy, download and continue: three actions of one kind, drawn alike.
    actions = page.locator(".staff-backup-codes__keep .button, a.button[href$='/campaign/page/']")
    expect(actions).to_have_count(3)
    assert len({round(action.bounding_box()["height"]) for action in actions.all()}) == 1
    page.click("text=Je les ai notés : continuer")
    expect(page).to_have_url(f"{live_server.url}/admin/campaign/page/")  # where they were going
    expect(page.locator("#user-tools")).to_be_visible()
    assert page.csp_violations == []
    # Asked beside a page, with the session cookie, /favicon.ico could delete the cookie the
    # login had just renewed (templates/admin/base_site.html): the admin names its icon instead.
    assert "/favicon.ico" not in paths_asked

    # Second login: without the code, no admin page opens.
    page.click("#logout-form [type=submit]")
    _log_in(page, live_server.url)
    expect(page).to_have_url(VERIFY)
    page.click("#two-factor-form [type=submit]")  # the empty code is refused
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(VERIFY)
    expect(page.locator("#id_token")).to_be_visible()
    expect(page.locator("#user-tools")).to_have_count(0)
    page.click("text=Annuler et se déconnecter")

    # Ten wrong passwords lock the account, even against the right one, and the lock is trailed.
    for attempt in range(10):
        _log_in(page, live_server.url, password=f"guess number {attempt}")
    expect(page.locator(".errornote")).to_contain_text("ce compte est bloqué")
    _log_in(page, live_server.url)
    expect(page.locator(".errornote")).to_contain_text("ce compte est bloqué")
    expect(page).to_have_url(re.compile(r"/admin/login/"))
    locked = AccessEvent.objects.get(action=AccessEvent.Action.ACCOUNT_LOCKED)
    assert locked.actor_username == "nadira"
    assert AccessEvent.objects.filter(action=AccessEvent.Action.LOGIN_FAILED).count() == 10


def test_on_a_phone_a_new_staff_member_enrols_and_keeps_their_codes_without_scrolling_sideways(
    live_server, browser
):
    staff_user_create("nadira")
    context = browser.new_context(**PHONE, locale="fr-FR")
    page = context.new_page()

    def fits_the_screen() -> bool:
        # The phone's width, not window.innerWidth: a phone's browser widens the latter to a
        # page too wide for the screen, and then shows it zoomed out or scrolling sideways.
        return page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]

    _log_in(page, live_server.url)
    expect(page).to_have_url(ENROL)
    assert fits_the_screen()
    page.fill("#id_token", _app_code(page.inner_text(".staff-secret")))
    page.click("#two-factor-form [type=submit]")
    expect(page.locator(".staff-backup-codes code")).to_have_count(10)
    assert fits_the_screen()
    page.click("text=Je les ai notés : continuer")

    # Next time, the code asked after the password fits too.
    page.click("#logout-form [type=submit]")
    _log_in(page, live_server.url)
    expect(page).to_have_url(VERIFY)
    assert fits_the_screen()
    context.close()

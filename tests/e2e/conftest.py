"""Browser tests: Playwright drives Debian's Chromium against a live server.

Playwright never downloads a browser here; `.ci/run` installs Debian's package when missing.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest

# Playwright's sync API runs an event loop in the test thread; the database calls the tests
# make around it (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@dataclass
class RecordedTraffic:
    """Every request a page made, with the bytes each response put on the wire."""

    requests: list = field(default_factory=list)

    def urls(self) -> list[str]:
        return [request.url for request in self.requests]

    def cross_origin(self, origin: str) -> list[str]:
        expected = urlparse(origin)
        return [
            url
            for url in self.urls()
            if urlparse(url).scheme not in {"data", "blob", "about"}
            and (urlparse(url).scheme, urlparse(url).netloc) != (expected.scheme, expected.netloc)
        ]

    def total_bytes(self) -> int:
        total = 0
        for request in self.requests:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Debian's Chromium is missing at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def traffic() -> RecordedTraffic:
    return RecordedTraffic()


@pytest.fixture
def browser_page(browser, traffic):
    """A fresh phone-sized page whose every finished request is recorded in `traffic`."""
    context = browser.new_context(**PHONE, locale="fr-FR")
    page = context.new_page()
    page.on("requestfinished", lambda request: traffic.requests.append(request))
    page.on("requestfailed", lambda request: traffic.requests.append(request))
    yield page
    context.close()


def staff_browser_page(browser, live_server, user, *, locale: str = "en-GB"):
    """Return (context, page) of a browser logged in as `user`, past the second factor."""
    from django.test import Client

    from tests.staff_fixtures import login_verified

    client = Client()
    login_verified(client, user)
    context = browser.new_context(locale=locale)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()

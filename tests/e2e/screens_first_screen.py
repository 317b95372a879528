"""Screenshots of the first screen on a phone, for docs/screenshots/ (not part of `make test`).

Run: pytest -o python_files='screens_*.py' tests/e2e/screens_first_screen.py
with SCREENSHOT_SUFFIX=before or after (the default).
"""

import os
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OUTPUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
LANGUAGES_WITH_UYGHUR = [("fr", "French"), ("en", "English"), ("ug", "Uyghur")]


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
@pytest.mark.parametrize("language", ["fr", "en", "ug"])
def test_first_screen_screenshot(mamat_campaign, live_server, browser_page, language):
    suffix = os.environ.get("SCREENSHOT_SUFFIX", "after")
    prefix = "" if language == "fr" else f"/{language}"
    browser_page.goto(live_server.url + prefix + "/", wait_until="networkidle")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=str(OUTPUT / f"first-screen-{language}-{suffix}.png"))

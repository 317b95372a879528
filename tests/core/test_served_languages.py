"""core.served_languages: an email is written in its reader's language only while the site
serves it; otherwise in French, the site's default."""

import pytest

from core.served_languages import email_language, language_is_served
from tests.public_pages import LANGUAGES_WITH_UYGHUR


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_served_language_is_the_one_written_in(language):
    assert email_language(person_language=language) == language


def test_uyghur_switched_off_is_written_in_french_and_switched_on_in_uyghur(settings):
    assert not language_is_served("ug")
    assert email_language(person_language="ug") == "fr"

    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR

    assert language_is_served("ug")
    assert email_language(person_language="ug") == "ug"


@pytest.mark.parametrize("language", ["", None, "de", "zh-hans"])
def test_no_language_or_one_never_served_is_written_in_french(language):
    assert email_language(person_language=language) == "fr"

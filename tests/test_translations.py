import subprocess
from pathlib import Path

import pytest
from django.utils import translation

FRENCH_CATALOGUE = Path(__file__).resolve().parent.parent / "locale/fr/LC_MESSAGES/django.po"


def test_every_french_message_is_translated():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(FRENCH_CATALOGUE)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Aller au contenu"), ("en", "Skip to content")],
)
def test_interface_speaks_the_visitors_language(language, expected):
    with translation.override(language):
        assert translation.gettext("Skip to content") == expected

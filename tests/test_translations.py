import subprocess
from pathlib import Path

import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
FRENCH_CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po")
    if not path.is_relative_to(ROOT / ".venv") and not path.is_relative_to(ROOT / "node_modules")
)


def test_the_site_and_each_app_have_a_french_catalogue():
    assert ROOT / "locale/fr/LC_MESSAGES/django.po" in FRENCH_CATALOGUES


@pytest.mark.parametrize(
    "catalogue", FRENCH_CATALOGUES, ids=lambda path: str(path.relative_to(ROOT))
)
def test_every_french_message_is_translated(catalogue):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)],
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

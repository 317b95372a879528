import shutil
import subprocess
import sys
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


def test_the_french_catalogues_hold_every_message_the_code_says_today(tmp_path):
    """A message changed in a template or in the code, without `make makemessages` and its
    translation, shows in English on the French site: extract again from a copy, and check."""
    copy = tmp_path / "site"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", ".tools", "node_modules", "build", "private", "staticfiles", "*.mo"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--locale=fr",
            "--ignore=.venv",
            "--ignore=node_modules",
            "--ignore=build",
            "--no-obsolete",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=120,
    )

    for catalogue in FRENCH_CATALOGUES:
        extracted = copy / catalogue.relative_to(ROOT)
        result = subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(extracted)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, (
            f"{catalogue.relative_to(ROOT)}: {result.stderr.strip()}; run `make makemessages` "
            "and translate what it added"
        )


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "Aller au contenu"), ("en", "Skip to content")],
)
def test_interface_speaks_the_visitors_language(language, expected):
    with translation.override(language):
        assert translation.gettext("Skip to content") == expected

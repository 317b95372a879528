"""French text keeps its typography: a no-break space before : ; ! ? and inside « »."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Ours: the site's and each app's; not those of installed packages.
FRENCH_CATALOGUES = [
    ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po",
    *sorted(
        path
        for path in ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")
        if path.parts[len(ROOT.parts)] not in {".venv", "node_modules"}
    ),
]
# A plain (breakable) space where French wants a no-break one.
BREAKABLE = re.compile(r" [:;!?»]|« ")


def _french_messages(path: Path) -> list[str]:
    """Return each msgstr of the catalogue, its continuation lines joined."""
    messages, current = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [line.partition(" ")[2][1:-1]]
            messages.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line[1:-1])
        else:
            current = None
    return ["".join(parts) for parts in messages]


@pytest.mark.parametrize("path", FRENCH_CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_french_translations_never_break_a_line_before_a_colon_or_inside_quotes(path):
    offending = [
        message
        for message in _french_messages(path)
        if "Content-Type:" not in message and BREAKABLE.search(message)
    ]

    assert offending == []


def test_the_check_sees_a_plain_space_before_a_colon():
    assert BREAKABLE.search("Référence : 12")
    assert not BREAKABLE.search("Référence\u00a0: 12")

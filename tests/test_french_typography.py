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


# Our templates: the site's and each app's.
TEMPLATES = sorted(
    path
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]
    if folder.parts[len(ROOT.parts)] not in {".venv", "node_modules", "build"}
    for path in folder.rglob("*")
    if path.suffix in {".html", ".txt"}
)
# Text a translator sees, where a colon is theirs to space.
TRANSLATED = re.compile(r"{% blocktranslate.*?{% endblocktranslate %}|{#.*?#}", re.DOTALL)
# A colon typed after a value (`{{ label }}: {{ value }}`, or after the tag around it): French
# readers would get the English spacing, since no catalogue can change it.
COLON_AFTER_A_VALUE = re.compile(r"(}}|%}|</\w+>) ?:\s")


def _untranslated_colons(template: str) -> list[str]:
    return COLON_AFTER_A_VALUE.findall(TRANSLATED.sub("", template))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_templates_leave_the_colon_between_a_label_and_its_value_to_the_translators(path):
    assert _untranslated_colons(path.read_text(encoding="utf-8")) == []


def test_the_template_check_sees_a_colon_typed_after_a_value_but_not_one_translated():
    assert _untranslated_colons("<li>{{ field.label }}: {{ error }}</li>")
    assert _untranslated_colons('{% translate "Reason" %}: {{ reason }}')
    assert _untranslated_colons('<a href="{{ url }}">{{ target }}</a>: {{ count }}')
    assert not _untranslated_colons(
        "{% blocktranslate with label=field.label value=error %}"
        "{{ label }}: {{ value }}{% endblocktranslate %}"
    )
    assert not _untranslated_colons('{{ value|time:"H:i" }}')


# Where a plain space or a line break would let a phone wrap the sign away from its word.
BREAKABLE_IN_TEXT = re.compile(r"[ \t\n][:;!?»]|«[ \t\n]")


def _french_values(content) -> list[str]:
    """Return every French text in the content `load_campaign` writes into a new site."""
    if isinstance(content, dict):
        return [
            text
            for key, value in content.items()
            for text in ([value] if key == "fr" and isinstance(value, str) else [])
            + _french_values(value)
        ]
    if isinstance(content, list | tuple):
        return [text for item in content for text in _french_values(item)]
    return []


def test_the_french_text_a_new_site_opens_with_never_breaks_a_line_before_a_colon():
    from campaign import content
    from deliveries import initial_content as delivery_content
    from petitions import initial_content as petition_content

    texts = _french_values(
        [
            content.CAMPAIGN,
            content.PAGES,
            content.CALLS_TO_ACTION,
            petition_content.PETITION,
            petition_content.TARGETS,
            delivery_content.LETTER,
        ]
    )
    offending = [
        text[max(0, found.start() - 30) : found.end() + 10]
        for text in texts
        for found in BREAKABLE_IN_TEXT.finditer(text)
    ]

    # The case page's "Qui est Mamat ?", the demand's list and the privacy page among them.
    assert len(texts) > 30
    assert offending == []

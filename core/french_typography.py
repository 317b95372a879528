"""French typography for what staff type: signs kept with their words on a phone's narrow line.

French puts a space before ; : ! ? and inside « »; typed as an ordinary space, it lets a line
break there and leave the sign alone at the start of the next line. The site's own texts use a
narrow no-break space (U+202F) there (tests/test_french_typography.py); staff's French texts
take it when saved, as French CMSs (SPIP) do for their editors.

Only the text changes: in rich text, the text between tags, never a tag, an attribute or an
address, nor what <code> or <pre> hold. A colon with no space before it ("12:30", "https://")
is left alone, and text already right is left as it is, so that applying this twice changes
nothing.
"""

import re

from django.db import models
from django_prose_editor.fields import ProseEditorField

NARROW_NO_BREAK_SPACE = "\u202f"

# A space staff may have typed where the narrow no-break one belongs: ordinary or no-break,
# and in HTML the no-break one as the editor writes it.
_SPACE = "[ \u00a0]"
_HTML_SPACE = "(?:[ \u00a0]|&nbsp;|&#160;|&#xa0;)"
# What follows « or precedes » when nothing separates them from the quotation: not a space of
# any kind, nor the end of a line.
_NOT_A_SPACE = "[^ \u00a0\u202f\t\r\n]"

# A tag (its attributes' quoted values may hold ">"), a comment, a declaration.
_MARKUP = re.compile(r"""<!--.*?-->|<[/!]?[a-zA-Z](?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
# Elements whose text is not prose: code is written as it must be typed.
_VERBATIM = {"code", "pre", "kbd", "samp", "script", "style", "textarea"}


def _rules(space: str) -> list[tuple[re.Pattern[str], str]]:
    return [
        (re.compile(f"{space}+(?=[;:!?])"), NARROW_NO_BREAK_SPACE),
        (re.compile(f"«{space}+"), "«" + NARROW_NO_BREAK_SPACE),
        (re.compile(f"«(?={_NOT_A_SPACE})"), "«" + NARROW_NO_BREAK_SPACE),
        (re.compile(f"{space}+»"), NARROW_NO_BREAK_SPACE + "»"),
        (re.compile(f"(?<={_NOT_A_SPACE})»"), NARROW_NO_BREAK_SPACE + "»"),
    ]


_PLAIN_TEXT_RULES = _rules(_SPACE)
_HTML_TEXT_RULES = _rules(_HTML_SPACE)


def french_typography_apply(text: str, *, is_html: bool = False) -> str:
    """Return French `text` with a narrow no-break space before ; : ! ? and inside « ».

    With `is_html`, `text` is rich text: only the text between its tags changes.
    """
    if not text:
        return text
    if not is_html:
        return _typeset(text, _PLAIN_TEXT_RULES)
    parts: list[str] = []
    verbatim_depth = 0
    position = 0
    for markup in _MARKUP.finditer(text):
        between = text[position : markup.start()]
        parts.append(between if verbatim_depth else _typeset(between, _HTML_TEXT_RULES))
        parts.append(markup.group())
        verbatim_depth = max(0, verbatim_depth + _verbatim_change(markup.group()))
        position = markup.end()
    rest = text[position:]
    parts.append(rest if verbatim_depth else _typeset(rest, _HTML_TEXT_RULES))
    return "".join(parts)


def _typeset(text: str, rules: list[tuple[re.Pattern[str], str]]) -> str:
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def _verbatim_change(markup: str) -> int:
    """Return +1 if `markup` opens an element whose text is code, -1 if it closes one, else 0."""
    name = _TAG_NAME.match(markup)
    if name is None or name.group(1).lower() not in _VERBATIM or markup.endswith("/>"):
        return 0
    return -1 if markup.startswith("</") else 1


def french_text_columns(model: type[models.Model]) -> dict[str, bool]:
    """Return the model's columns of French text (named `*_fr`), each with whether it is rich text.

    Not a slug, an address or an email, nor a column the model names in
    `french_typography_leaves` (a call to action's link): those are not prose.
    """
    leaves = set(getattr(model, "french_typography_leaves", ()))
    return {
        field.name: isinstance(field, ProseEditorField)
        for field in model._meta.concrete_fields
        if field.name.endswith("_fr")
        and isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | models.EmailField)
        and field.name not in leaves
    }


def french_values_typeset(model: type[models.Model], values: dict) -> dict:
    """Return `values` (by column of `model`) with the French texts' typography applied."""
    columns = french_text_columns(model)
    return {
        name: french_typography_apply(value, is_html=columns[name])
        if name in columns and isinstance(value, str)
        else value
        for name, value in values.items()
    }

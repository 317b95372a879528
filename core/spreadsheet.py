"""CSV cells that a spreadsheet opens as text, never as a formula.

A name such as `=HYPERLINK(...)` or `+33 6...` would otherwise run, or be rewritten, when
the file is opened in Excel or LibreOffice (CSV injection, OWASP). Any export of what supporters
typed can use `csv_cell` and `csv_row`.

Spreadsheets fold look-alike characters and skip invisible ones before they decide: a cell that
starts with a zero-width space and "=", a fullwidth "＝" or a small "﹦" is a formula to some of
them. So the test is on the first visible character, after NFKC normalisation.
"""

import unicodedata
from collections.abc import Iterable

# What spreadsheets treat as the start of a formula (tab and carriage return included, since
# some strip them and then read what follows).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Invisible before the first character a reader sees: format characters (zero-width spaces and
# joiners, direction marks, the byte order mark), other controls, and spaces.
_INVISIBLE = {"Cf", "Cc", "Zs", "Zl", "Zp"}


def formula_like(text: str) -> bool:
    """Return whether a spreadsheet could read `text` as the start of a formula."""
    for char in text:
        if char in "\t\r":
            return True
        if unicodedata.category(char) in _INVISIBLE:
            continue
        return unicodedata.normalize("NFKC", char).startswith(FORMULA_PREFIXES)
    return False


def csv_cell(value: object) -> str:
    """Return `value` as text, with a leading apostrophe if a spreadsheet would compute it."""
    text = "" if value is None else str(value)
    first = text[:1]
    if first.isascii() and first.isalnum():
        return text  # most cells: a plain letter or digit first, nothing to look at further
    return f"'{text}" if formula_like(text) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """Return a row whose every cell is safe to open in a spreadsheet."""
    return [csv_cell(value) for value in values]

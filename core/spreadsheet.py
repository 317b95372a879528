"""CSV cells that a spreadsheet opens as text, never as a formula.

A name such as `=HYPERLINK(...)` or `+33 6...` would otherwise run, or be rewritten, when
the file is opened in Excel or LibreOffice (CSV injection, OWASP). Any export of what supporters
typed can use `csv_cell` and `csv_row`.
"""

from collections.abc import Iterable

# What spreadsheets treat as the start of a formula (tab and carriage return included, since
# some strip them and then read what follows).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Return `value` as text, with a leading apostrophe if a spreadsheet would compute it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def csv_row(values: Iterable[object]) -> list[str]:
    """Return a row whose every cell is safe to open in a spreadsheet."""
    return [csv_cell(value) for value in values]

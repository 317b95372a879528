"""A cell a spreadsheet could compute is opened as text, whatever hides or dresses its "="."""

import pytest

from core.spreadsheet import csv_cell

FORMULA_VARIANTS = [
    "=1+1",
    "+33 6 12",
    "-2+3",
    "@SUM(A1)",
    "\tTab",
    "\rCR",
    "\u200b=1+1",  # a zero-width space first
    "\u200d\u200c+1",  # joiners
    "\ufeff@SUM(A1)",  # a byte order mark
    "\u202e=1+1",  # a right-to-left override
    "\u2066-1",  # a direction isolate
    " =1+1",  # an ordinary space
    "\u00a0=1+1",  # a no-break space
    "\u3000=1+1",  # an ideographic space
    "＝1+1",  # fullwidth equals
    "﹦1",  # small equals
    "＋1",  # fullwidth plus
    "﹢1",  # small plus
    "－1",  # fullwidth hyphen-minus
    "﹣1",  # small hyphen-minus
    "＠SUM(A1)",  # fullwidth commercial at
    "﹫SUM(A1)",  # small commercial at
]


@pytest.mark.parametrize("text", FORMULA_VARIANTS)
def test_a_formula_however_disguised_is_opened_as_text(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        "Aynur",
        "Jean-Pierre",
        "O'Brien",
        "ئابدۇلئەزىز",
        "Мамат",
        "Ébène",
        "1 rue",
        "",
        "\u200bAynur",
    ],
)
def test_names_and_plain_text_are_left_as_they_are(text):
    assert csv_cell(text) == text


def test_nothing_becomes_an_empty_cell():
    assert csv_cell(None) == ""

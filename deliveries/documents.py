"""The two files a target receives: the letter (PDF) and the list of named signers (CSV).

Both are written in the active language (the caller wraps them in `translation.override`).
The letter holds numbers only; the list holds first name, last name and country of the signers
who chose to be named, and nothing else about anyone.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from django_countries import countries
from fpdf import FPDF

from deliveries.spreadsheet import csv_row

PDF_MARGIN_MM = 20


@dataclass(frozen=True)
class LetterContent:
    petition_title: str
    demand: str
    campaign_name: str
    recipient_lines: list[str]
    created_at: datetime
    reference: str
    new_count: int
    cumulative_count: int
    named_count: int
    counts_only: bool
    counts_by_country: dict[str, int]


def country_name(code: str) -> str:
    """Return the country's name in the active language (its code if it has none)."""
    return str(countries.name(code)) or code


class _Letter(FPDF):
    """An A4 letter in one Unicode font when one is installed, else a built-in font."""

    def __init__(self) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(PDF_MARGIN_MM, PDF_MARGIN_MM, PDF_MARGIN_MM)
        self.set_auto_page_break(auto=True, margin=PDF_MARGIN_MM)
        font_path = Path(settings.DELIVERY_PDF_FONT) if settings.DELIVERY_PDF_FONT else None
        if font_path and font_path.is_file():
            self.add_font("LetterFont", "", str(font_path))
            self.font_family_name = "LetterFont"
            self.unicode_font = True
        else:
            self.core_fonts_encoding = "cp1252"
            self.font_family_name = "Helvetica"
            self.unicode_font = False

    def text_safe(self, text: str) -> str:
        """Return text the font can draw (the built-in font only knows Western European)."""
        if self.unicode_font:
            return text
        text = unicodedata.normalize("NFKC", text)
        return text.encode("cp1252", errors="replace").decode("cp1252")

    def paragraph(self, text: str, *, size: float = 11, height: float = 6, gap: float = 3) -> None:
        self.set_font(self.font_family_name, size=size)
        self.multi_cell(0, height, self.text_safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def count_row(self, label: str, count: int) -> None:
        self.set_font(self.font_family_name, size=10)
        width = self.w - 2 * PDF_MARGIN_MM
        self.cell(width * 0.75, 6, self.text_safe(label), border="B")
        self.cell(
            width * 0.25, 6, formats.number_format(count), border="B", align="R", new_x="LMARGIN"
        )
        self.ln(6)


def letter_pdf_bytes(*, letter: LetterContent) -> bytes:
    """Return the letter: recipient, date, demand, and how many signed, from where."""
    pdf = _Letter()
    created_at = timezone.localtime(letter.created_at)
    pdf.set_creation_date(created_at)
    pdf.set_title(letter.petition_title)
    pdf.set_author(letter.campaign_name)
    pdf.add_page()

    pdf.paragraph("\n".join(letter.recipient_lines), gap=6)
    pdf.paragraph(formats.date_format(created_at, "DATE_FORMAT"), gap=1)
    pdf.paragraph(gettext("Reference: %(reference)s") % {"reference": letter.reference}, size=9)
    pdf.paragraph(
        gettext("Petition: %(title)s") % {"title": letter.petition_title}, size=14, height=8
    )
    pdf.paragraph(letter.demand, gap=6)
    pdf.paragraph(
        ngettext(
            "This letter delivers %(count)s new signature of the petition.",
            "This letter delivers %(count)s new signatures of the petition.",
            letter.new_count,
        )
        % {"count": formats.number_format(letter.new_count)}
    )
    pdf.paragraph(
        ngettext(
            "With these, %(count)s signature has been delivered to you in all.",
            "With these, %(count)s signatures have been delivered to you in all.",
            letter.cumulative_count,
        )
        % {"count": formats.number_format(letter.cumulative_count)}
    )
    if letter.counts_only:
        pdf.paragraph(
            gettext("The signers are counted but not named, to protect them and their families.")
        )
    else:
        pdf.paragraph(
            ngettext(
                "%(count)s of these signers asked to be named: their name and country are in "
                "the attached list, whose first line repeats this letter's reference.",
                "%(count)s of these signers asked to be named: their names and countries are in "
                "the attached list, whose first line repeats this letter's reference.",
                letter.named_count,
            )
            % {"count": formats.number_format(letter.named_count)}
        )
        pdf.paragraph(
            gettext(
                "The other signers are counted but not named, to protect them and their families."
            )
        )
    pdf.paragraph(gettext("New signatures by country"), size=12, height=7, gap=2)
    for code, count in letter.counts_by_country.items():
        pdf.count_row(country_name(code), count)
    pdf.ln(6)
    pdf.paragraph(letter.campaign_name)
    return bytes(pdf.output())


def signers_csv_write(
    *, rows: Iterable[tuple[str, str, str]], reference: str, out: BinaryIO
) -> int:
    """Write the named signers as UTF-8 CSV (with a BOM, for Excel); return how many.

    The first line carries the delivery's random reference, which also makes the file's public
    SHA-256 impossible to reproduce from a guess about who signed.
    """
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    writer = csv.writer(text)
    writer.writerow(csv_row([gettext("Delivery reference"), reference]))
    writer.writerow(csv_row([gettext("First name"), gettext("Last name"), gettext("Country")]))
    names: dict[str, str] = {}
    written = 0
    for first_name, last_name, code in rows:
        if code not in names:
            names[code] = country_name(code)
        writer.writerow(csv_row([first_name, last_name, names[code]]))
        written += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return written

"""The letter's page layout, kept apart so that fpdf is imported only to write a letter."""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import formats
from fpdf import FPDF

PDF_MARGIN_MM = 20
# fpdf's default placeholder for the number of pages, replaced when the document is output.
ALIAS_NB_PAGES = "{nb}"


class LetterPdf(FPDF):
    """An A4 letter in one Unicode font when one is installed, else a built-in font."""

    def __init__(self, *, page_label: str = "", footer_text: str = "") -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        # "Page %(page)s of %(pages)s", translated by the caller; fpdf fills in {nb} at the end.
        self.page_label = page_label
        self.footer_text = footer_text
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

    def footer(self) -> None:
        """Put the page number, and the campaign and reference, at the foot of every page."""
        if not self.page_label:
            return
        self.set_y(-PDF_MARGIN_MM + 5)
        self.set_font(self.font_family_name, size=8)
        label = self.page_label % {"page": self.page_no(), "pages": ALIAS_NB_PAGES}
        self.cell(0, 5, self.text_safe(self.footer_text), align="L")
        self.set_x(PDF_MARGIN_MM)
        self.cell(0, 5, self.text_safe(label), align="R")

    def paragraph(
        self, text: str, *, size: float = 11, height: float = 6, gap: float = 3, align: str = "L"
    ) -> None:
        if not text:
            return
        self.set_font(self.font_family_name, size=size)
        self.multi_cell(0, height, self.text_safe(text), new_x="LMARGIN", new_y="NEXT", align=align)
        self.ln(gap)

    def count_row(self, label: str, count: int) -> None:
        self.set_font(self.font_family_name, size=10)
        width = self.w - 2 * PDF_MARGIN_MM
        self.cell(width * 0.75, 6, self.text_safe(label), border="B")
        self.cell(
            width * 0.25, 6, formats.number_format(count), border="B", align="R", new_x="LMARGIN"
        )
        self.ln(6)

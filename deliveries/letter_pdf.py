"""The letter's page layout, kept apart so that fpdf is imported only to write a letter."""

from django.utils import formats

from core.a4_pdf import PDF_MARGIN_MM, A4Pdf

# fpdf's default placeholder for the number of pages, replaced when the document is output.
ALIAS_NB_PAGES = "{nb}"


class LetterPdf(A4Pdf):
    """The letter's A4 pages: a footer with the page number, and the table of counts."""

    def __init__(self, *, page_label: str = "", footer_text: str = "") -> None:
        super().__init__()
        # "Page %(page)s of %(pages)s", translated by the caller; fpdf fills in {nb} at the end.
        self.page_label = page_label
        self.footer_text = footer_text

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

    def count_row(self, label: str, count: int) -> None:
        self.set_font(self.font_family_name, size=10)
        width = self.w - 2 * PDF_MARGIN_MM
        self.cell(width * 0.75, 6, self.text_safe(label), border="B")
        self.cell(
            width * 0.25, 6, formats.number_format(count), border="B", align="R", new_x="LMARGIN"
        )
        self.ln(6)

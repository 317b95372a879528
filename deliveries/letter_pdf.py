"""The letter's page layout, kept apart so that fpdf is imported only to write a letter."""

from django.utils import formats

from core.a4_pdf import PDF_MARGIN_MM, A4Pdf


class LetterPdf(A4Pdf):
    """The letter's A4 page, with its table of counts."""

    def count_row(self, label: str, count: int) -> None:
        self.set_font(self.font_family_name, size=10)
        width = self.w - 2 * PDF_MARGIN_MM
        self.cell(width * 0.75, 6, self.text_safe(label), border="B")
        self.cell(
            width * 0.25, 6, formats.number_format(count), border="B", align="R", new_x="LMARGIN"
        )
        self.ln(6)

"""An A4 page in one Unicode font where one is installed, else a built-in Western font.

fpdf is heavy: import this module only where a PDF is written, never at a process's start.
"""

import unicodedata
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

PDF_MARGIN_MM = 20


class A4Pdf(FPDF):
    def __init__(self, *, orientation: str = "portrait", margin: float = PDF_MARGIN_MM) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.set_margins(margin, margin, margin)
        self.set_auto_page_break(auto=True, margin=margin)
        font_path = Path(settings.DELIVERY_PDF_FONT) if settings.DELIVERY_PDF_FONT else None
        if font_path and font_path.is_file():
            self.add_font("PageFont", "", str(font_path))
            self.font_family_name = "PageFont"
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

    def paragraph(
        self, text: str, *, size: float = 11, height: float = 6, gap: float = 3, align: str = "L"
    ) -> None:
        """Write `text` as a paragraph; an empty one takes no room."""
        if not text:
            return
        self.set_font(self.font_family_name, size=size)
        self.multi_cell(0, height, self.text_safe(text), new_x="LMARGIN", new_y="NEXT", align=align)
        self.ln(gap)

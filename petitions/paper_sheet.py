"""The blank sheet a stall prints: the demand, the privacy notice, numbered lines, a QR code."""

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _

from petitions.models import Petition
from petitions.paper import paper_column_headings, paper_columns

SHEET_LINES = 18
QR_SIZE_MM = 28
NUMBER_WIDTH_MM = 8
HEADING_LINE_MM = 3.2
# A line to write on by hand: no higher than this, and never so low that a pen cannot.
LINE_MM, SMALLEST_LINE_MM = 8.0, 6.0


# Each column's share of the width; the signature takes what is left.
COLUMN_WIDTHS = {
    "first_name": 0.15,
    "last_name": 0.17,
    "country": 0.12,
    "email": 0.22,
    "postcode": 0.1,
    "named": 0.1,
}


def _columns(petition: Petition) -> list[tuple[str, float]]:
    """Return each column's heading and share of the width, in the order the import reads."""
    widths = [COLUMN_WIDTHS[name] for name in paper_columns(petition)]
    return [*zip(paper_column_headings(petition), widths, strict=True), (_("Signature"), 0.0)]


def _qr_draw(pdf, url: str, *, x: float, y: float) -> None:
    code = qrcode.QRCode(border=0)
    code.add_data(url)
    matrix = code.get_matrix()
    module = QR_SIZE_MM / len(matrix)
    for row_number, row in enumerate(matrix):
        for column_number, dark in enumerate(row):
            if dark:
                pdf.rect(x + column_number * module, y + row_number * module, module, module, "F")


def _lines_table(pdf, columns: list[tuple[str, float]]) -> None:
    """Draw the headings, wrapped inside their columns, then the numbered lines, all on the
    page: the lines share the room left under the text, down to a height a pen can still use."""
    width = pdf.w - pdf.l_margin - pdf.r_margin - NUMBER_WIDTH_MM
    used = sum(share for _label, share in columns)
    cells = [(pdf.text_safe(label), width * (share or (1 - used))) for label, share in columns]
    pdf.set_font(pdf.font_family_name, size=7)
    heading_lines = max(
        len(
            pdf.multi_cell(
                cell_width, HEADING_LINE_MM, label, dry_run=True, output="LINES", align="L"
            )
        )
        for label, cell_width in cells
    )
    heading_height = heading_lines * HEADING_LINE_MM + 1
    room = pdf.h - pdf.b_margin - pdf.get_y() - heading_height - 0.5  # rounding: no spill
    line_height = min(LINE_MM, room / SHEET_LINES)
    line_count = SHEET_LINES
    if line_height < SMALLEST_LINE_MM:
        line_height, line_count = SMALLEST_LINE_MM, int(room // SMALLEST_LINE_MM)
    top = pdf.get_y()
    pdf.cell(NUMBER_WIDTH_MM, heading_height, "#", border=1, align="C")
    for label, cell_width in cells:
        left = pdf.get_x()
        pdf.rect(left, top, cell_width, heading_height)
        pdf.set_xy(left, top + 0.5)
        pdf.multi_cell(cell_width, HEADING_LINE_MM, label, align="L")
        pdf.set_xy(left + cell_width, top)
    pdf.set_font(pdf.font_family_name, size=8)
    pdf.set_xy(pdf.l_margin, top + heading_height)
    for number in range(1, line_count + 1):
        pdf.cell(NUMBER_WIDTH_MM, line_height, str(number), border=1, align="C")
        for _label, cell_width in cells:
            pdf.cell(cell_width, line_height, "", border=1)
        pdf.ln(line_height)


def paper_sheet_pdf_bytes(*, petition: Petition) -> bytes:
    """Return a printable A4 (landscape) sheet for collecting signatures on paper."""
    from core.a4_pdf import A4Pdf  # fpdf only where a PDF is written

    pdf = A4Pdf(orientation="landscape", margin=12)
    pdf.set_title(petition.title)
    pdf.add_page()
    url = f"{settings.SITE_URL}{petition.get_absolute_url()}"
    _qr_draw(pdf, url, x=pdf.w - 12 - QR_SIZE_MM, y=12)
    pdf.set_right_margin(12 + QR_SIZE_MM + 6)
    pdf.paragraph(petition.title, size=16, height=8, gap=1)
    pdf.paragraph(petition.demand, size=10, height=5, gap=1)
    pdf.paragraph(
        _(
            "Your name and country are given to the authorities only if you write “yes” in "
            "the column that asks. Your email address is optional: it only makes sure you are "
            "counted once, it is never given to the authorities, and no email is sent to you. "
            "Sign online too, or instead: %(url)s"
        )
        % {"url": url},
        size=8,
        height=4,
        gap=3,
    )
    pdf.set_right_margin(12)
    pdf.set_y(max(pdf.get_y(), 12 + QR_SIZE_MM + 4))
    _lines_table(pdf, _columns(petition))
    return bytes(pdf.output())

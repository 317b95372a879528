"""The blank sheet a stall prints: the demand, the privacy notice, numbered lines, a QR code."""

import qrcode
from django.conf import settings
from django.utils.translation import gettext as _

from petitions.models import Petition
from petitions.paper import paper_columns

SHEET_LINES = 18
QR_SIZE_MM = 28


def _columns(petition: Petition) -> list[tuple[str, float]]:
    """Return each column's heading and share of the width, in the order the import reads."""
    headings = {
        "first_name": (_("First name"), 0.15),
        "last_name": (_("Last name"), 0.17),
        "country": (_("Country"), 0.12),
        "email": (_("Email (optional)"), 0.22),
        "postcode": (_("Postcode (optional)"), 0.1),
        "named": (_("Name me to the authorities (yes/no)"), 0.1),
    }
    return [headings[name] for name in paper_columns(petition)] + [(_("Signature"), 0.0)]


def _qr_draw(pdf, url: str, *, x: float, y: float) -> None:
    code = qrcode.QRCode(border=0)
    code.add_data(url)
    matrix = code.get_matrix()
    module = QR_SIZE_MM / len(matrix)
    for row_number, row in enumerate(matrix):
        for column_number, dark in enumerate(row):
            if dark:
                pdf.rect(x + column_number * module, y + row_number * module, module, module, "F")


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
    columns = _columns(petition)
    width = pdf.w - 24 - 8
    pdf.set_font(pdf.font_family_name, size=8)
    pdf.cell(8, 8, "#", border=1, align="C")
    used = sum(share for _label, share in columns)
    for label, share in columns:
        cell_width = width * (share or (1 - used))
        pdf.cell(cell_width, 8, pdf.text_safe(label), border=1)
    pdf.ln(8)
    for number in range(1, SHEET_LINES + 1):
        pdf.cell(8, 8, str(number), border=1, align="C")
        for _label, share in columns:
            pdf.cell(width * (share or (1 - used)), 8, "", border=1)
        pdf.ln(8)
    return bytes(pdf.output())

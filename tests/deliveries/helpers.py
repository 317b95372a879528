"""Read what a target received: the CSV's rows and the letter's text."""

import csv
import io

from pypdf import PdfReader


def csv_rows(data: bytes) -> list[list[str]]:
    """Return the CSV's rows after its reference line and header."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return rows[2:]


def csv_reference(data: bytes) -> str:
    return next(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def attachments(message) -> dict[str, bytes]:
    """Return a sent message's attachments by the end of their name: letter.pdf, signatures.csv."""
    return {
        part.get_filename().rpartition("-")[2]: part.get_payload(decode=True)
        for part in message.attachments
    }

"""The two files a target receives: the letter (PDF) and the list of named signers (CSV).

Both are written in the active language (the caller wraps them in `translation.override`).
The letter holds numbers only; the list holds first name, last name and country of the signers
who chose to be named, and nothing else about anyone.
"""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext

from core.spreadsheet import csv_row
from petitions.country_counts import country_counts_merged, country_label


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
    salutation: str = ""
    case_summary: str = ""
    closing: str = ""
    signatory: str = ""
    postal_address: str = ""
    contact_email: str = ""


def _counts_paragraphs(pdf, letter: LetterContent) -> None:
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
        return
    if not letter.named_count:
        pdf.paragraph(
            gettext(
                "None of these signers asked to be named: they are counted, not named, to "
                "protect them and their families."
            )
        )
        return
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
        gettext("The other signers are counted but not named, to protect them and their families.")
    )


def _reply_paragraph(letter: LetterContent) -> str:
    """Say how to reply with what the campaign gave: never point at an address not printed."""
    values = {"reference": letter.reference, "email": letter.contact_email}
    if letter.contact_email and letter.postal_address:
        message = gettext(
            "To reply, please write to %(email)s or to the postal address above, quoting "
            "the reference %(reference)s."
        )
    elif letter.contact_email:
        message = gettext(
            "To reply, please write to %(email)s, quoting the reference %(reference)s."
        )
    elif letter.postal_address:
        message = gettext(
            "To reply, please write to the address above, quoting the reference %(reference)s."
        )
    else:
        message = gettext(
            "To reply, please answer the email that brought this letter, quoting the "
            "reference %(reference)s."
        )
    return message % values


def letter_pdf_bytes(*, letter: LetterContent) -> bytes:
    """Return the letter: sender, recipient, the case, the demands, the counts, how to reply."""
    # fpdf is heavy: imported here, not by every web and worker process at start.
    from deliveries.letter_pdf import LetterPdf

    pdf = LetterPdf(
        page_label=gettext("Page %(page)s of %(pages)s"),
        footer_text=f"{letter.campaign_name} · {letter.reference}",
    )
    created_at = timezone.localtime(letter.created_at)
    pdf.set_creation_date(created_at)
    pdf.set_title(letter.petition_title)
    pdf.set_author(letter.campaign_name)
    pdf.add_page()

    sender_lines = [letter.campaign_name, letter.postal_address, letter.contact_email]
    pdf.paragraph("\n".join(line for line in sender_lines if line), size=9, gap=6)
    pdf.paragraph("\n".join(letter.recipient_lines), gap=6, align="R")
    pdf.paragraph(formats.date_format(created_at, "DATE_FORMAT"), gap=1, align="R")
    pdf.paragraph(gettext("Reference: %(reference)s") % {"reference": letter.reference}, size=9)
    pdf.paragraph(
        gettext("Petition: %(title)s") % {"title": letter.petition_title}, size=14, height=8
    )
    pdf.paragraph(letter.salutation)
    pdf.paragraph(
        gettext(
            "We write to you on behalf of the people who signed the petition “%(title)s”, "
            "started by the campaign %(campaign)s."
        )
        % {"title": letter.petition_title, "campaign": letter.campaign_name}
    )
    if letter.case_summary:
        pdf.paragraph(letter.case_summary)
    pdf.paragraph(letter.demand, gap=6)
    _counts_paragraphs(pdf, letter)
    pdf.paragraph(gettext("New signatures by country"), size=12, height=7, gap=2)
    # Merged again when printed: a delivery recorded before the threshold existed, or under a
    # lower one, still never names a country with a handful of signers.
    for code, count in country_counts_merged(letter.counts_by_country.items()).items():
        pdf.count_row(country_label(code), count)
    pdf.ln(6)
    pdf.paragraph(_reply_paragraph(letter))
    _sign_off(pdf, letter)
    return bytes(pdf.output())


def _sign_off(pdf, letter: LetterContent) -> None:
    """Write the closing and the signatory on one page: a signature never stands alone."""
    # fpdf's unbreakable() writes the block where it is, and only if it runs past the bottom
    # margin writes it again at the top of a new page, so a letter that fits stays on one page.
    with pdf.unbreakable() as block:
        block.paragraph(letter.closing, gap=8)
        # No gap after the last line: unbreakable() measures to where the block leaves the cursor,
        # and space below the signature would push a letter that fits onto a second page.
        block.paragraph(letter.signatory or letter.campaign_name, gap=0)


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
            names[code] = country_label(code)
        writer.writerow(csv_row([first_name, last_name, names[code]]))
        written += 1
    text.flush()
    text.detach()  # leave `out` open for the caller
    return written


def signers_csv_count(opened: BinaryIO) -> int:
    """Return how many signers a list written by signers_csv_write names, and rewind it."""
    text = io.TextIOWrapper(opened, encoding="utf-8-sig", newline="")
    count = max(sum(1 for _row in csv.reader(text)) - 2, 0)  # the reference and header lines
    text.detach()
    opened.seek(0)
    return count

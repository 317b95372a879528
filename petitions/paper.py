"""Signatures collected on paper: a sheet typed into CSV or XLSX, checked row by row, imported.

Each row is checked before anything is written, and the preview shows every row's errors.
Importing writes the valid rows as confirmed "paper" signatures, sealed at once like any other
(petitions/sealing.py): named in deliveries only where the sheet says so, never emailed. A
row whose address already signed, online or on another sheet, counts once: it is skipped.
"""

import codecs
import csv
import hashlib
import io
import secrets
from dataclasses import dataclass, field
from typing import TypedDict

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.actors import Actor
from core.keyed_hashes import keyed_hash
from petitions import counter
from petitions.mailboxes import mailbox_hash
from petitions.models import PaperImport, Petition, Signature
from petitions.name_review import name_review_at_signing
from petitions.names import name_clean, names_may_be_said
from petitions.paper_cells import (
    COLUMN_HEADINGS,
    country_code,
    country_refusal,
    named_answer,
    named_answer_refusal,
    sheet_headings_are,
)
from petitions.sealing import signature_seal_values
from petitions.share_codes import share_code_draw
from staff.access_trail import access_event_record
from staff.models import AccessEvent

# The columns of a typed-in sheet, in the order the blank sheet prints them (the postcode only
# where the petition asks for one).
COLUMNS = ("first_name", "last_name", "country", "email", "postcode", "named")
MAX_ROWS = 20_000


class PaperSheetUnreadable(ValueError):
    """The file is not a CSV or XLSX sheet this site can read; the message says why."""


class PaperSheetImportedBefore(ValueError):
    """This very file was imported into the petition already; the message says when, by whom."""

    def __init__(self, earlier: PaperImport) -> None:
        self.earlier = earlier
        super().__init__(
            _(
                "This very file was imported on %(date)s by %(user)s: its signatures are "
                "counted already. Nothing was imported again."
            )
            % {
                "date": date_format(timezone.localtime(earlier.imported_at), "DATETIME_FORMAT"),
                "user": earlier.imported_by.get_username(),
            }
        )


class PaperSheetSent(TypedDict):
    """A typed-in sheet as staff sent it, and who sent it from where: the same for its
    preview (paper_sheet_read) and its import (paper_signatures_import), which both trail it."""

    petition: Petition
    content: bytes
    file_name: str
    actor: User
    ip_hmac: str


@dataclass
class PaperRow:
    number: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    # What importing the row will do that the sheet did not ask for; imported all the same.
    notes: list[str] = field(default_factory=list)
    country: str = ""
    named: bool = False


def _cells_from_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook  # imported only to read a sheet

    try:
        sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise PaperSheetUnreadable(_("This is not an XLSX file.")) from error
    return [
        ["" if cell is None else str(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]


def _csv_text(content: bytes) -> str:
    """Decode a CSV as the spreadsheets staff use save it.

    UTF-8, with or without a BOM; UTF-16 with its BOM (Excel's "Unicode text"); otherwise
    Windows-1252, Excel's "CSV" on a French Windows. Staff read every name in the preview
    before anything is imported.
    """
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif b"\x00" in content:  # no text holds one: an .xls, an .ods (a zip) or another binary
        raise PaperSheetUnreadable(_("Send the sheet as CSV or XLSX: this file is neither."))
    else:
        encodings = ["utf-8-sig", "cp1252"]
    for encoding in encodings:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PaperSheetUnreadable(_("Save the CSV file as UTF-8 and send it again."))


def _cells_from_csv(content: bytes) -> list[list[str]]:
    text = _csv_text(content)
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or no separator to tell: each row's errors will say so
        dialect = csv.excel
    # newline="": a line may end as Windows, Unix or an old Mac (a lone CR) saves it.
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return list(reader)
    except csv.Error as error:  # a cell over csv's size limit, a stray quote in strict mode
        raise PaperSheetUnreadable(
            _("Line %(line)s of the file cannot be read: is a cell far too long?")
            % {"line": reader.line_num}
        ) from error


def paper_columns(petition: Petition) -> list[str]:
    return [name for name in COLUMNS if name != "postcode" or petition.asks_postcode]


def paper_column_headings(petition: Petition) -> list[str]:
    """Return each column's heading, as the blank sheet prints it and the preview shows it."""
    return [str(COLUMN_HEADINGS[name]) for name in paper_columns(petition)]


def _row_check(number: int, cells: list[str], *, petition: Petition) -> PaperRow:
    names = paper_columns(petition)
    values = dict.fromkeys(COLUMNS, "")
    values.update({name: name_clean(cells[i]) for i, name in enumerate(names) if i < len(cells)})
    row = PaperRow(number=number, values=values)
    for name, label in (("first_name", _("first name")), ("last_name", _("last name"))):
        if not values[name]:
            row.errors.append(_("The %(field)s is missing.") % {"field": label})
        elif len(values[name]) > 100:
            row.errors.append(_("The %(field)s is too long.") % {"field": label})
    row.country = country_code(values["country"])
    if not values["country"]:
        row.errors.append(_("The country is missing."))
    elif not row.country:
        row.errors.append(country_refusal(values["country"]))
    email = values["email"]
    if email and ("@" not in email or "." not in email.rpartition("@")[2] or " " in email):
        row.errors.append(_("“%(email)s” is not an email address.") % {"email": email})
    named = named_answer(values["named"])
    if named is None:
        row.errors.append(named_answer_refusal())
    row.named = bool(named)
    if row.named and not names_may_be_said(
        first_name=values["first_name"], last_name=values["last_name"]
    ):
        row.notes.append(
            _(
                "Counted, but never named: a name with digits, dots or other signs is not "
                "given to the authorities."
            )
        )
    return row


@dataclass
class PaperSheetChecked:
    """A sheet's rows with their errors, and its addresses looked up among the signers."""

    rows: list[PaperRow]
    addresses: int  # different addresses looked up
    already_signed: int  # of which had signed already


def _paper_sheet_check(*, petition: Petition, content: bytes, file_name: str) -> PaperSheetChecked:
    """Check every row of a typed-in sheet, its addresses against the signers'; trail nothing."""
    if file_name.lower().endswith(".xlsx"):
        cells = _cells_from_xlsx(content)
    else:
        cells = _cells_from_csv(content)
    # Each row keeps the number the spreadsheet shows beside it, heading and blank lines
    # counted, so that staff find the row the preview says is wrong.
    rows = [(number, row) for number, row in enumerate(cells, 1) if any(c.strip() for c in row)]
    if rows and sheet_headings_are(rows[0][1]):
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        raise PaperSheetUnreadable(
            _("Import at most %(count)s rows at a time.") % {"count": MAX_ROWS}
        )
    checked = [_row_check(number, row, petition=petition) for number, row in rows]
    seen: dict[str, int] = {}
    already_signed = 0
    for row in checked:
        if row.values["email"] and not row.errors:
            mailbox = mailbox_hash(row.values["email"])
            if mailbox in seen:
                row.errors.append(_("Same address as row %(row)s.") % {"row": seen[mailbox]})
            elif petition.signatures.filter(mailbox_hash=mailbox).exists():
                row.errors.append(_("This address has already signed: it counts once."))
                already_signed += 1
            seen.setdefault(mailbox, row.number)
    return PaperSheetChecked(rows=checked, addresses=len(seen), already_signed=already_signed)


def paper_sheet_read(
    *, petition: Petition, content: bytes, file_name: str, actor: Actor, ip_hmac: str = ""
) -> list[PaperRow]:
    """Return every row of a typed-in sheet with its errors; trail the addresses looked up.

    A row's error says whether its address signed already: a search of the signers by
    address, which staff see row by row, trailed like one whether or not the sheet is then
    imported.
    """
    checked = _paper_sheet_check(petition=petition, content=content, file_name=file_name)
    if checked.addresses:
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.SEARCHED_SIGNATURES,
            target=Signature._meta.label,
            query={"paper_sheet": file_name[:255], "addresses": checked.addresses},
            row_count=checked.already_signed,
            ip_hmac=ip_hmac,
        )
    return checked.rows


def _paper_signature(row: PaperRow, *, petition: Petition, batch: PaperImport, now) -> Signature:
    email = row.values["email"]
    first_name, last_name = row.values["first_name"], row.values["last_name"]
    signature = Signature(
        petition=petition,
        first_name=first_name,
        last_name=last_name,
        # Checked like a name typed online: one that does not look like a name is counted,
        # never listed in public nor given to the authorities.
        name_review=name_review_at_signing(
            first_name=first_name, last_name=last_name, name_in_delivery=row.named
        ),
        email=email,
        mailbox_hash=mailbox_hash(email) if email else f"paper-{secrets.token_hex(16)}",
        country=row.country,
        postcode=row.values["postcode"],
        language=settings.LANGUAGE_CODE,
        status=Signature.Status.CONFIRMED,
        created_at=now,
        confirmed_at=now,
        # No email goes to a paper signer: the outbox holds nothing for them.
        confirmation_sent_at=now,
        email_status=Signature.EmailStatus.NOT_EMAILED,
        share_code=share_code_draw(),
        privacy_notice_version="paper",
        consented_at=now,
        name_in_delivery=row.named,
        source="paper",
        paper_import=batch,
    )
    for name, value in signature_seal_values(signature).items():
        setattr(signature, name, value)
    return signature


def paper_sheet_fingerprint(content: bytes) -> str:
    """Return a keyed hash of a sheet's bytes: the same file gives the same, and no name."""
    digest = hashlib.sha256(content).hexdigest()
    return keyed_hash(digest, key=settings.SIGNER_MAILBOX_KEY, purpose="paper-sheet")


def paper_sheet_refuse_if_imported(*, petition: Petition, fingerprint: str) -> None:
    """Raise PaperSheetImportedBefore if the file whose `paper_sheet_fingerprint` this is was
    imported into `petition` already.

    Rows with an address are found again by their mailbox; rows without one are not, so the
    same sheet imported twice would count those signers twice.
    """
    earlier = (
        PaperImport.objects.filter(petition=petition, sheet_fingerprint=fingerprint)
        .select_related("imported_by")
        .first()
    )
    if earlier is not None:
        raise PaperSheetImportedBefore(earlier)


def paper_signatures_import(
    *, petition: Petition, content: bytes, file_name: str, actor: User, ip_hmac: str = ""
) -> PaperImport:
    """Import a typed-in sheet's rows without errors as paper signatures; trail the import.

    Raises PaperSheetImportedBefore if this very file was imported into the petition already.

    The sheet is checked again here, its addresses looked up again: someone may have signed
    since the preview. That look-up is part of the import, not a second search: staff see
    only how many rows were imported and skipped, and the import's one trail entry says how
    many addresses it looked up and how many had signed. The preview before it is another
    act, trailed on its own (paper_sheet_read): there staff saw, row by row, which addresses
    had signed.
    """
    checked = _paper_sheet_check(petition=petition, content=content, file_name=file_name)
    rows = checked.rows
    valid = [row for row in rows if not row.errors]
    now = timezone.now()
    with transaction.atomic():
        fingerprint = paper_sheet_fingerprint(content)
        paper_sheet_refuse_if_imported(petition=petition, fingerprint=fingerprint)
        batch = PaperImport.objects.create(
            petition=petition,
            imported_by=actor,
            file_name=file_name[:255],
            row_count=len(valid),
            skipped_count=len(rows) - len(valid),
            sheet_fingerprint=fingerprint,
        )
        Signature.objects.bulk_create(
            [_paper_signature(row, petition=petition, batch=batch, now=now) for row in valid]
        )
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.IMPORTED_PAPER_SIGNATURES,
            target=str(petition),
            query={
                "paper_import": batch.pk,
                "file": file_name[:255],
                "skipped": batch.skipped_count,
                "addresses": checked.addresses,
                "already_signed": checked.already_signed,
            },
            row_count=len(valid),
            ip_hmac=ip_hmac,
        )
        petition_id = petition.pk
        transaction.on_commit(
            lambda: counter.petition_count_add(petition_id=petition_id, delta=len(valid))
        )
    return batch

"""Signature lists leave the database here, as CSV or XLSX, and only here.

`signatures_export_write` is the one writer: the admin's download, the worker's prepared
export and `manage.py export_signatures` all call it, and it records in the access trail
exactly the rows it wrote. A million rows go through in the memory of a few thousand: the rows
come from a server-side cursor (`iterator(chunk_size=...)`), CSV is written in chunks of a few
hundred rows, and XLSX by xlsxwriter in constant memory. Every cell a signer typed goes through
core.spreadsheet, so that a name such as `=HYPERLINK(...)` never runs when the file is opened.
The IP fingerprint, the email status, the comment and the consent record are never exported.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import IO, Any

from django.db.models import CharField, Func, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actors import Actor
from core.sealing import SealedDataUnreadable, Unsealer
from core.secret_boxes import SecretBoxUnreadable
from core.spreadsheet import csv_cell, csv_row
from petitions.models import Petition, Signature, SignatureExport
from petitions.sealing import news_address_open
from staff.access_trail import access_event_record
from staff.models import AccessEvent


@dataclass(frozen=True)
class SignatureExportFilters:
    """What an export holds; kept as JSON in the access trail and on a queued export."""

    petition_id: int | None = None
    status: str = ""
    signed_from: date | None = None
    signed_until: date | None = None
    country: str = ""
    named_only: bool = False

    def as_json(self) -> dict:
        return {
            "petition_id": self.petition_id,
            "status": self.status,
            "signed_from": self.signed_from.isoformat() if self.signed_from else None,
            "signed_until": self.signed_until.isoformat() if self.signed_until else None,
            "country": self.country,
            "named_only": self.named_only,
        }

    @classmethod
    def from_json(cls, data: dict) -> "SignatureExportFilters":
        return cls(
            petition_id=data.get("petition_id"),
            status=data.get("status") or "",
            signed_from=(
                date.fromisoformat(data["signed_from"]) if data.get("signed_from") else None
            ),
            signed_until=(
                date.fromisoformat(data["signed_until"]) if data.get("signed_until") else None
            ),
            country=data.get("country") or "",
            named_only=bool(data.get("named_only")),
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def signatures_for_export(*, filters: SignatureExportFilters) -> QuerySet[Signature]:
    """Return the signatures an export with these filters holds (never erased ones)."""
    signatures = Signature.objects.not_erased()
    if filters.petition_id:
        signatures = signatures.filter(petition_id=filters.petition_id)
    if filters.status:
        signatures = signatures.filter(status=filters.status)
    if filters.signed_from:
        signatures = signatures.filter(created_at__gte=_day_start(filters.signed_from))
    if filters.signed_until:
        signatures = signatures.filter(
            created_at__lt=_day_start(filters.signed_until + timedelta(days=1))
        )
    if filters.country:
        signatures = signatures.filter(country=filters.country)
    if filters.named_only:
        signatures = signatures.filter(name_in_delivery=True)
    return signatures


EXPORT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "country",
    "postcode",
    "status",
    "signed_text",
    "confirmed_text",
    "name_in_delivery",
    "newsletter_opt_in",
    "referral_code",
    "comment",
    "sealed_data",
    "news_address",
)
CURSOR_CHUNK_ROWS = 5000
# Rows joined into one piece of the response: big enough that a million rows are not a
# million writes to the socket, small enough to stay a few tens of kilobytes.
CSV_CHUNK_ROWS = 500
# An XLSX sheet holds 1,048,576 rows; longer lists go on to a second sheet.
XLSX_SHEET_ROWS = 1_048_576
# The columns of export_header() that hold a moment: dates to a spreadsheet, not text.
DATE_COLUMNS = (6, 7)


def export_header() -> list[str]:
    return [
        _("First name"),
        _("Last name"),
        _("Email"),
        _("Country"),
        _("Postcode"),
        _("Status"),
        _("Signed (UTC)"),
        _("Confirmed (UTC)"),
        _("Named in the delivery"),
        _("Wants campaign news"),
        _("Came through share code"),
        _("Comment"),
        _("Personal data"),
    ]


class UtcText(Func):
    """A moment as "YYYY-MM-DD HH:MM:SS" in UTC, written by the database.

    Parsing a million timestamps into datetimes and formatting them back is most of an
    export's time in Python; the database does it for nothing on the way out.
    """

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"

    def as_sqlite(self, compiler, connection, **extra_context):
        # datetime() writes the same format with no '%' in the SQL: under DEBUG, SQLite's
        # debug cursor %-formats the query to log it, and a strftime pattern broke it.
        return self.as_sql(compiler, connection, template="datetime(%(expressions)s)")


def export_rows(
    signatures: QuerySet[Signature], *, unsealer: Unsealer | None = None
) -> Iterator[list[str]]:
    """Yield each signature as a row of cells safe to open in a spreadsheet.

    What signers typed goes through `csv_cell`; the other cells are ours (a country code,
    a status, a date, yes or no) and never start like a formula, which the tests check.
    With the data officers' key (`unsealer`), sealed fields are opened; without it they are
    left empty, and only what stays readable on the server is written. A record sealed to
    another key (before a rotation) is written as if there were no key, and its last cell says
    so: the export is whole, and names what needs the other key. A news address boxed under
    a NEWS_ADDRESS_KEY since changed (docs/operations.md) leaves the email blank, as sealed,
    which the last cell already says.
    """
    status_names = {value: str(label) for value, label in Signature.Status.choices}
    yes, no = _("yes"), _("no")
    # Says why a sealed row's cells are blank, so that nobody takes them for missing data.
    readable, opened_with_key = _("readable"), _("opened with the key")
    still_sealed = _("sealed: blank without the data officers' key")
    other_key = _("sealed to another key: export again with the key in use then")
    cell = csv_cell
    rows = (
        signatures.order_by("pk")
        .annotate(signed_text=UtcText("created_at"), confirmed_text=UtcText("confirmed_at"))
        .values_list(*EXPORT_FIELDS)
        .iterator(chunk_size=CURSOR_CHUNK_ROWS)
    )
    for (
        first_name,
        last_name,
        email,
        country,
        postcode,
        status,
        signed,
        confirmed,
        name_in_delivery,
        newsletter_opt_in,
        referral_code,
        comment,
        sealed_data,
        news_address,
    ) in rows:
        personal_data = readable
        opened = _opened(unsealer, sealed_data)
        if opened is not None:
            first_name, last_name = opened["first_name"], opened["last_name"]
            email, postcode = opened["email"], opened["postcode"]
            comment = opened["comment"]
            personal_data = opened_with_key
        else:
            if sealed_data is not None:
                personal_data = still_sealed if unsealer is None else other_key
            if news_address is not None:
                try:
                    email = news_address_open(news_address)
                except SecretBoxUnreadable:
                    # Boxed under an earlier NEWS_ADDRESS_KEY: blank, as sealing left it.
                    email = ""
        yield [
            cell(first_name),
            cell(last_name),
            cell(email),
            country,
            cell(postcode),
            status_names.get(status, status),
            signed,
            confirmed or "",
            yes if name_in_delivery else no,
            yes if newsletter_opt_in else no,
            cell(referral_code),
            cell(comment),
            personal_data,
        ]


def _opened(unsealer: Unsealer | None, sealed_data: bytes | None) -> dict[str, str] | None:
    """Return the sealed fields opened with the key, or None: no key, nothing sealed, or a
    record sealed to another key."""
    if unsealer is None or sealed_data is None:
        return None
    try:
        return unsealer.unseal(sealed_data)
    except SealedDataUnreadable:
        return None


class _Counted:
    """Rows passed through, counted: what a file holds is what the trail says it holds."""

    def __init__(self, rows: Iterable[list[str]]) -> None:
        self.rows = rows
        self.count = 0

    def __iter__(self) -> Iterator[list[str]]:
        for row in self.rows:
            self.count += 1
            yield row


def _csv_line(row: list[str], *, separators: int) -> str | None:
    """Return the row as a CSV line when no cell needs quoting, else None.

    Most rows hold no comma, quote or line break, and for them plain joining writes exactly
    what csv.writer would, several times faster: at a million rows, seconds.
    """
    line = ",".join(row)
    if line.count(",") != separators or '"' in line or "\n" in line or "\r" in line:
        return None
    return line + "\r\n"


def _csv_chunks(rows: Iterable[list[str]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = csv_row(export_header())
    separators = len(header) - 1  # a row has a cell per column: one comma fewer

    def quoted(row: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield "\ufeff" + quoted(header)
    lines: list[str] = []
    for row in rows:
        lines.append(_csv_line(row, separators=separators) or quoted(row))
        if len(lines) >= CSV_CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def _csv_write(rows: Iterable[list[str]], out: IO[bytes]) -> None:
    # It opens with a byte order mark: without it Excel reads UTF-8 as Latin-1 and mangles
    # every Uyghur or accented name.
    for chunk in _csv_chunks(rows):
        out.write(chunk.encode("utf-8"))


def _xlsx_write(rows: Iterable[list[str]], out: IO[bytes]) -> None:
    import xlsxwriter  # only XLSX exports need it

    workbook = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # A cell is text, whatever it looks like: never a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = csv_row(export_header())
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})

    def sheet_add(name: str):
        sheet = workbook.add_worksheet(name[:31])
        for column in DATE_COLUMNS:
            sheet.set_column(column, column, 19)  # wide enough to show the whole moment
        for column, cell in enumerate(header):
            sheet.write_string(0, column, cell)
        return sheet

    sheet, row_number, sheets = None, XLSX_SHEET_ROWS, 0
    for row in rows:
        if sheet is None or row_number >= XLSX_SHEET_ROWS:
            sheets += 1
            sheet, row_number = sheet_add(f"{_('Signatures')} {sheets}"), 1
        for column, cell in enumerate(row):
            if column in DATE_COLUMNS and cell:
                # Dates the spreadsheet sorts and filters as dates (naive: the header says UTC).
                sheet.write_datetime(row_number, column, datetime.fromisoformat(cell), moment)
            else:
                sheet.write_string(row_number, column, cell)
        row_number += 1
    if sheet is None:
        sheet_add(_("Signatures"))
    workbook.close()


def signatures_export_write(
    *,
    actor: Actor,
    signatures: QuerySet[Signature],
    query: dict[str, Any],
    file_format: str,
    out: IO[bytes],
    unsealer: Unsealer | None = None,
    ip_hmac: str = "",
    target: str = "petitions.Signature",
) -> int:
    """Write the signatures to the binary file `out` as CSV or XLSX; return how many rows.

    Whatever happens, the access trail records who wrote how many rows, with `query` (the
    filters or selection), the format and whether sealed data was opened: the rows really
    written, not a count taken before. Erased signers are never written.
    """
    rows = _Counted(export_rows(signatures.filter(erased_at__isnull=True), unsealer=unsealer))
    completed = False
    query = {**query, "format": file_format, "sealed_data_opened": unsealer is not None}
    try:
        if file_format == SignatureExport.Format.XLSX:
            _xlsx_write(rows, out)
        else:
            _csv_write(rows, out)
        completed = True
    finally:
        if completed or rows.count:
            access_event_record(
                actor=actor,
                action=AccessEvent.Action.EXPORTED_SIGNATURES,
                target=target,
                query=query if completed else {**query, "interrupted": True},
                row_count=rows.count,
                ip_hmac=ip_hmac,
            )
    return rows.count


def export_filename(*, filters: SignatureExportFilters, file_format: str) -> str:
    slug = "all"
    if filters.petition_id:
        slug = (
            Petition.objects.filter(pk=filters.petition_id).values_list("slug", flat=True).first()
            or "petition"
        )
    return f"signatures-{slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"

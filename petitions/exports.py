"""Signature lists as CSV or XLSX, read and written row by row.

A million rows go through in the memory of a few thousand: the rows come from a server-side
cursor (`iterator(chunk_size=...)`), CSV leaves in small chunks, and XLSX is written by
xlsxwriter in constant memory. Every cell goes through deliveries.spreadsheet, so that a
name such as `=HYPERLINK(...)` never runs when the file is opened. The admin, the worker and
`manage.py export_signatures` all write through `csv_chunks` and `xlsx_write`.

Every copy is trailed (staff.AccessEvent "exported signatures"): who, when, the filters and
the row count. The IP fingerprint, the email status and the consent record are never exported.
"""

import csv
import io
import logging
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import signing
from django.core.files import File
from django.db import transaction
from django.db.models import CharField, Func, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deliveries.spreadsheet import csv_cell, csv_row
from petitions.models import Signature, SignatureExport
from petitions.selectors import SignatureExportFilters, signatures_for_export
from staff.models import AccessEvent
from staff.services import access_event_record

logger = logging.getLogger(__name__)

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
)
CURSOR_CHUNK_ROWS = 5000
# Rows joined into one piece of the response: big enough that a million rows are not a
# million writes to the socket, small enough to stay a few tens of kilobytes.
CSV_CHUNK_ROWS = 500
# An XLSX sheet holds 1,048,576 rows; longer lists go on to a second sheet.
XLSX_SHEET_ROWS = 1_048_576
DOWNLOAD_SALT = "petitions.signature-export.download"
EXPORT_CLAIM = timedelta(hours=1)


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
    ]


class UtcText(Func):
    """A moment as "YYYY-MM-DD HH:MM:SS" in UTC, written by the database.

    Parsing a million timestamps into datetimes and formatting them back is most of an
    export's time in Python; the database does it for nothing on the way out.
    """

    output_field = CharField()
    template = "to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="strftime('%%Y-%%m-%%d %%H:%%M:%%S', %(expressions)s)"
        )


def export_rows(signatures: QuerySet[Signature]) -> Iterator[list[str]]:
    """Yield each signature as a row of cells safe to open in a spreadsheet.

    What signers typed goes through `csv_cell`; the other cells are ours (a country code,
    a status, a date, yes or no) and never start like a formula, which the tests check.
    """
    status_names = {value: str(label) for value, label in Signature.Status.choices}
    yes, no = _("yes"), _("no")
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
    ) in rows:
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
        ]


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
    separators = len(EXPORT_FIELDS) - 1

    def quoted(row: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        return buffer.getvalue()

    yield "\ufeff" + quoted(csv_row(export_header()))
    lines: list[str] = []
    for row in rows:
        lines.append(_csv_line(row, separators=separators) or quoted(row))
        if len(lines) >= CSV_CHUNK_ROWS:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def csv_chunks(signatures: QuerySet[Signature]) -> Iterator[str]:
    """Yield the CSV file in pieces of a few hundred rows, header first.

    It opens with a byte order mark: without it Excel reads UTF-8 as Latin-1 and mangles
    every Uyghur or accented name.
    """
    return _csv_chunks(export_rows(signatures))


def csv_write(signatures: QuerySet[Signature], output: IO[str]) -> int:
    """Write the signatures as CSV text to `output`; return how many rows it holds."""
    rows = _Counted(export_rows(signatures))
    for chunk in _csv_chunks(rows):
        output.write(chunk)
    return rows.count


def xlsx_write(signatures: QuerySet[Signature], output: str | IO[bytes]) -> int:
    """Write the signatures as XLSX to a path or a binary file, in constant memory.

    Return how many rows it holds.
    """
    import xlsxwriter  # only XLSX exports need it

    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            # A cell is text, whatever it looks like: never a formula, a link or a number.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = csv_row(export_header())
    sheet, row_number, sheets = None, XLSX_SHEET_ROWS, 0
    rows = _Counted(export_rows(signatures))
    for row in rows:
        if row_number >= XLSX_SHEET_ROWS:
            sheets += 1
            sheet = workbook.add_worksheet(f"{_('Signatures')} {sheets}"[:31])
            for column, cell in enumerate(header):
                sheet.write_string(0, column, cell)
            row_number = 1
        for column, cell in enumerate(row):
            sheet.write_string(row_number, column, cell)
        row_number += 1
    if sheet is None:
        sheet = workbook.add_worksheet(_("Signatures"))
        for column, cell in enumerate(header):
            sheet.write_string(0, column, cell)
    workbook.close()
    return rows.count


def export_filename(*, filters: SignatureExportFilters, file_format: str) -> str:
    from petitions.models import Petition

    slug = "all"
    if filters.petition_id:
        slug = (
            Petition.objects.filter(pk=filters.petition_id).values_list("slug", flat=True).first()
            or "petition"
        )
    return f"signatures-{slug}-{timezone.localdate():%Y-%m-%d}.{file_format}"


def signatures_export_record(
    *,
    actor: AbstractBaseUser | None,
    query: dict[str, Any],
    row_count: int,
    ip_hmac: str = "",
    target: str = "petitions.Signature",
) -> AccessEvent:
    """Trail one copy of signature data leaving the database."""
    return access_event_record(
        actor=actor,
        action=AccessEvent.Action.EXPORTED_SIGNATURES,
        target=target,
        query=query,
        row_count=row_count,
        ip_hmac=ip_hmac,
    )


def signature_export_queue(
    *, actor: AbstractBaseUser, filters: SignatureExportFilters, file_format: str
) -> SignatureExport:
    """Record a large export and have a worker write it once the request commits."""
    from petitions.tasks import signature_export_build_task

    export = SignatureExport.objects.create(
        requested_by=actor, format=file_format, filters=filters.as_json()
    )
    transaction.on_commit(lambda: signature_export_build_task.delay(export.pk))
    return export


def _claim(export_id: int) -> bool:
    """Let one worker write the export: a queued one, or one whose writer died long ago."""
    now = timezone.now()
    return bool(
        SignatureExport.objects.filter(pk=export_id)
        .filter(
            Q(status=SignatureExport.Status.QUEUED)
            | Q(status=SignatureExport.Status.RUNNING, started_at__lt=now - EXPORT_CLAIM)
        )
        .update(status=SignatureExport.Status.RUNNING, started_at=now)
    )


def signature_export_build(*, export_id: int) -> bool:
    """Write a queued export's file; return whether this call wrote it (safe to run twice)."""
    if not _claim(export_id):
        return False
    export = SignatureExport.objects.select_related("requested_by").get(pk=export_id)
    filters = SignatureExportFilters.from_json(export.filters)
    signatures = signatures_for_export(filters=filters)
    try:
        with tempfile.TemporaryFile() as scratch:
            if export.format == SignatureExport.Format.XLSX:
                row_count = xlsx_write(signatures, scratch)
            else:
                row_count = csv_write(signatures, _Utf8Writer(scratch))
            scratch.seek(0)
            name = export_filename(filters=filters, file_format=export.format)
            export.file.save(name, File(scratch), save=False)
    except Exception as error:
        SignatureExport.objects.filter(pk=export_id).update(
            status=SignatureExport.Status.FAILED, error=str(error)[:2000]
        )
        raise
    now = timezone.now()
    with transaction.atomic():
        SignatureExport.objects.filter(pk=export_id).update(
            status=SignatureExport.Status.READY,
            file=export.file.name,
            row_count=row_count,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.EXPORT_LINK_HOURS),
        )
        signatures_export_record(
            actor=export.requested_by,
            query={**export.filters, "format": export.format, "export_id": export.pk},
            row_count=row_count,
            target=f"petitions.SignatureExport #{export.pk}",
        )
    return True


class _Utf8Writer:
    """Write text to a binary file as UTF-8."""

    def __init__(self, binary: IO[bytes]) -> None:
        self.binary = binary

    def write(self, text: str) -> None:
        self.binary.write(text.encode("utf-8"))


def export_download_token(*, export: SignatureExport) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(str(export.pk))


def export_for_download(*, token: str, user: AbstractBaseUser) -> SignatureExport | None:
    """Return the ready export a download link is for, if the link and the user may have it."""
    try:
        export_id = signing.TimestampSigner(salt=DOWNLOAD_SALT).unsign(
            token, max_age=timedelta(hours=settings.EXPORT_LINK_HOURS)
        )
    except signing.BadSignature:
        return None
    export = SignatureExport.objects.filter(
        pk=export_id, status=SignatureExport.Status.READY, expires_at__gt=timezone.now()
    ).first()
    if export is None or not user.has_perm("petitions.export_signatures"):
        return None
    if export.requested_by_id != user.pk and not user.is_superuser:
        return None
    return export


def signature_exports_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the files of exports past their link's expiry; return how many were deleted."""
    now = now or timezone.now()
    expired = SignatureExport.objects.filter(
        status=SignatureExport.Status.READY, expires_at__lte=now
    )
    purged = 0
    for export in expired:
        if export.file:
            export.file.delete(save=False)
        purged += SignatureExport.objects.filter(
            pk=export.pk, status=SignatureExport.Status.READY
        ).update(status=SignatureExport.Status.EXPIRED, file="")
    # Failed jobs may have left a partial file behind.
    for export in SignatureExport.objects.filter(status=SignatureExport.Status.FAILED).exclude(
        file=""
    ):
        export.file.delete(save=False)
        SignatureExport.objects.filter(pk=export.pk).update(file="")
    return purged

"""Exports too large for a request: written by a worker, downloaded from an expiring link.

The file is written by `exports.signatures_export_write`, like every export; each download of
it is trailed too, since each is one more copy leaving the server.
"""

import logging
import tempfile
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.files import File
from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from petitions.exports import (
    SignatureExportFilters,
    export_filename,
    signatures_export_write,
    signatures_for_export,
)
from petitions.models import SignatureExport
from staff.access_trail import access_event_record
from staff.models import AccessEvent

logger = logging.getLogger(__name__)

DOWNLOAD_SALT = "petitions.signature-export.download"
# A writer that has held an export this long died (killed, or its machine lost): another may
# take it. Far longer than the largest export takes (docs/performance.md), short enough that
# the officer waiting gets the file within half an hour, beat's resume every 10 minutes included.
EXPORT_CLAIM = timedelta(minutes=15)
# An export still queued this long lost its task (the broker restarted): it is queued again.
EXPORT_QUEUED_LONGEST = timedelta(minutes=5)


def signature_export_queue(
    *, actor: User, filters: SignatureExportFilters, file_format: str
) -> SignatureExport:
    """Record a large export and have a worker write it once the request commits."""
    from petitions.tasks import signature_export_build_task

    export = SignatureExport.objects.create(
        requested_by=actor,
        format=file_format,
        filters=filters.as_json(),
        language=translation.get_language() or "",
    )
    transaction.on_commit(lambda: signature_export_build_task.delay(export.pk))
    return export


def _claim(export_id: int) -> datetime | None:
    """Let one worker write the export: a queued one, or one whose writer died long ago.

    Return the moment of the claim (None if another holds it), which names this writer's hold.
    """
    now = timezone.now()
    claimed = (
        SignatureExport.objects.filter(pk=export_id)
        .filter(
            Q(status=SignatureExport.Status.QUEUED)
            | Q(status=SignatureExport.Status.RUNNING, started_at__lt=now - EXPORT_CLAIM)
        )
        .update(status=SignatureExport.Status.RUNNING, started_at=now)
    )
    return now if claimed else None


def signature_export_build(*, export_id: int) -> bool:
    """Write a queued export's file; return whether this call wrote it (safe to run twice)."""
    claimed_at = _claim(export_id)
    if claimed_at is None:
        return False
    # Still this writer's: one that stalled past EXPORT_CLAIM has had the export taken over.
    held = SignatureExport.objects.filter(
        pk=export_id, status=SignatureExport.Status.RUNNING, started_at=claimed_at
    )
    export = SignatureExport.objects.select_related("requested_by").get(pk=export_id)
    if export.file:
        # A writer killed between storing its file and recording it ready: it names signers.
        export.file.delete(save=False)
    filters = SignatureExportFilters.from_json(export.filters)
    name = SignatureExport._meta.get_field("file").generate_filename(
        export, export_filename(filters=filters, file_format=export.format)
    )
    # Named on the row before it is written, so that whoever takes the export next finds it.
    held.update(file=name)
    try:
        with (
            translation.override(export.language or settings.LANGUAGE_CODE),
            tempfile.TemporaryFile() as scratch,
        ):
            row_count = signatures_export_write(
                actor=export.requested_by,
                signatures=signatures_for_export(filters=filters),
                query={**export.filters, "export_id": export.pk},
                file_format=export.format,
                out=scratch,
                target=f"petitions.SignatureExport #{export.pk}",
            )
            scratch.seek(0)
            export.file.name = export.file.storage.save(name, File(scratch))
    except Exception as error:
        held.update(status=SignatureExport.Status.FAILED, error=str(error)[:2000])
        raise
    now = timezone.now()
    try:
        recorded = held.update(
            status=SignatureExport.Status.READY,
            file=export.file.name,
            row_count=row_count,
            finished_at=now,
            expires_at=now + timedelta(hours=settings.EXPORT_LINK_HOURS),
        )
    except DatabaseError:
        # Unrecorded, the file would name signers with nothing left to delete it; the export
        # is written again once its claim ends.
        export.file.delete(save=False)
        raise
    if not recorded:
        # Another writer holds the export now and records its own file: this one would be
        # left naming signers with nothing to delete it.
        export.file.delete(save=False)
        return False
    return True


def export_download_token(*, export: SignatureExport) -> str:
    return signing.TimestampSigner(salt=DOWNLOAD_SALT).sign(str(export.pk))


def export_for_download(*, token: str, user: User) -> SignatureExport | None:
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


class ExportFileMissing(Exception):
    """The file of a ready export is no longer in its storage: deleted, or purged meanwhile."""


def signature_export_download(
    *, token: str, user: User, ip_hmac: str = ""
) -> SignatureExport | None:
    """Return the export a link is for, its file open, if `user` may download it; trail it.

    Raise ExportFileMissing if its file has gone: nothing is served, so nothing is trailed,
    and the export is marked expired, so that the list offers no link that cannot work.
    """
    export = export_for_download(token=token, user=user)
    if export is None:
        return None
    try:
        export.file.open("rb")
    except FileNotFoundError:
        # The export's number only: its filters may name a country, never a signer, but the
        # log needs no more to find the export again.
        logger.warning(
            "Prepared signature export #%s: its file is missing from storage; marked expired.",
            export.pk,
        )
        SignatureExport.objects.filter(pk=export.pk, status=SignatureExport.Status.READY).update(
            status=SignatureExport.Status.EXPIRED, file=""
        )
        raise ExportFileMissing(export.pk) from None
    access_event_record(
        actor=user,
        action=AccessEvent.Action.EXPORTED_SIGNATURES,
        target=f"petitions.SignatureExport #{export.pk}",
        query={"export_id": export.pk, "download": True, **export.filters},
        row_count=export.row_count or 0,
        ip_hmac=ip_hmac,
    )
    return export


def signature_exports_resume(*, now: datetime | None = None) -> int:
    """Queue again the exports no worker took up: the message was lost, or its writer died.

    Return how many were queued. A second task for one export finds it claimed and stops.
    """
    from petitions.tasks import signature_export_build_task

    now = now or timezone.now()
    stalled = SignatureExport.objects.filter(
        Q(status=SignatureExport.Status.QUEUED, created_at__lt=now - EXPORT_QUEUED_LONGEST)
        | Q(status=SignatureExport.Status.RUNNING, started_at__lt=now - EXPORT_CLAIM)
    ).values_list("pk", flat=True)
    for export_id in stalled:
        signature_export_build_task.delay(export_id)
    return len(stalled)


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

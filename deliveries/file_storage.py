"""A delivery's files in storage: each stored once under a name of its own, written under its
row's lock, and what a killed worker left behind deleted.

A file and the row that names it cannot be written in one step, so a file once stored is never
written again: each writing stores a new one under a name of its own, the row names it (with
its SHA-256) when its transaction commits, and the one it replaced is deleted then. A worker
killed in between leaves the row naming whole files that match their hashes, and beside them
a file no row names, which the next writer deletes (delivery_files_lock), or else beat's
daily sweep (delivery_files_left_behind_sweep). The files of a delivery sent go for good once
its schedule stops keeping them (delivery_files_purge_expired).
"""

import logging
import secrets
from datetime import datetime, timedelta
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from core.private_storage import delivery_files_storage
from deliveries.models import DELIVERIES_FOLDER, Delivery, delivery_files_folder

logger = logging.getLogger(__name__)


# The name each of a delivery's files is stored under, a random part added at each writing.
FILE_NAMES = {"letter_pdf": ("letter", ".pdf"), "signatures_csv": ("signatures", ".csv")}


def delivery_file_store(*, delivery: Delivery, field_name: str, fileobj: BinaryIO) -> None:
    """Store a new version of one of the delivery's files under a name never used before, for
    the row to name; have the one it replaces deleted once the row naming the new one commits.

    Writing over the file the row names would leave, if the worker died before the row was
    saved, a file whose SHA-256 is not the row's (or none at all, between delete and save).
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the replaced file would be deleted before the row is saved.
        raise RuntimeError("A delivery's files are stored in the transaction that names them.")
    field_file = getattr(delivery, field_name)
    storage, replaced = field_file.storage, field_file.name
    stem, extension = FILE_NAMES[field_name]
    name = field_file.field.generate_filename(delivery, f"{stem}-{secrets.token_hex(8)}{extension}")
    field_file.name = storage.save(name, File(fileobj, name=name))
    if replaced:
        # Robust: a deletion that fails is logged, not raised after the commit to a sender about
        # to send; the next writer, or beat's daily sweep, deletes the file
        # (_files_left_behind_delete).
        transaction.on_commit(lambda: storage.delete(replaced), robust=True)


def _folder_files(*, delivery_id: int) -> list[str]:
    """Return the names, in the "deliveries" storage, of every file in the delivery's folder."""
    folder = delivery_files_folder(delivery_id=delivery_id)
    try:
        _folders, names = delivery_files_storage().listdir(folder)
    except FileNotFoundError:
        return []
    return [f"{folder}/{name}" for name in names]


def _files_left_behind_delete(*, delivery_id: int, named: set[str]) -> int:
    """Delete the files in the delivery's folder that its row, as committed, does not name
    (`named`); return how many.

    What a writer killed before its row was saved stored, or what it replaced and did not live
    to delete. Called under the row's lock, which every writer of these files holds: a file
    not named is no one's work in progress.
    """
    left_behind = [name for name in _folder_files(delivery_id=delivery_id) if name not in named]
    for name in left_behind:
        delivery_files_storage().delete(name)
    return len(left_behind)


def delivery_files_lock(
    *, delivery_id: int, statuses: tuple[str, ...], skip_locked: bool = False
) -> Delivery | None:
    """Lock a delivery's row to write its files, if it is in one of `statuses`, until the
    transaction ends; first delete what a writer killed before left in its folder.

    Every writer of a delivery's files holds it: a worker writing them is waited for (or, with
    `skip_locked`, passed by), and a sender waits for the new ones.
    """
    delivery = (
        Delivery.objects.select_for_update(skip_locked=skip_locked, of=("self",))
        .select_related("petition__campaign", "target")
        .filter(pk=delivery_id, status__in=statuses)
        .first()
    )
    if delivery is not None:
        named = {delivery.letter_pdf.name, delivery.signatures_csv.name}
        _files_left_behind_delete(delivery_id=delivery.pk, named=named)
    return delivery


def _folder_of_no_delivery_empty(*, delivery_id: int) -> int:
    """Delete the files in the folder of a delivery whose row is gone (a backup restored from
    before it, say); return how many, or 0 if the row is there after all.

    Listed before the row is looked for: no file is stored for a row not yet committed, so a
    file listed while the row was not there is no writer's, and one stored after is not listed.
    """
    listed = _folder_files(delivery_id=delivery_id)
    if not listed or Delivery.objects.filter(pk=delivery_id).exists():
        return 0
    for name in listed:
        delivery_files_storage().delete(name)
    return len(listed)


def delivery_files_left_behind_sweep() -> int:
    """Delete, in every delivery's folder, the files its row as committed does not name (all of
    them if the row is gone); return how many.

    A worker killed between the commit that named a new file and the deletion of the one it
    replaced leaves that one behind (after an erasure, a list naming the erased) until the next
    writer of that delivery, or its purge up to a year later. Beat runs this daily, so that it
    stays less than a day. A row a writer holds is passed by, not waited for: the writer deletes
    what it finds left behind, as every writer does (delivery_files_lock).
    """
    try:
        folders, _files = delivery_files_storage().listdir(DELIVERIES_FOLDER)
    except FileNotFoundError:
        return 0
    deleted = 0
    for folder in folders:
        if not folder.isdigit():
            continue
        delivery_id = int(folder)
        with transaction.atomic():
            named = (
                Delivery.objects.select_for_update(skip_locked=True)
                .filter(pk=delivery_id)
                .values_list("letter_pdf", "signatures_csv")
                .first()
            )
            if named is not None:
                deleted += _files_left_behind_delete(delivery_id=delivery_id, named=set(named))
                continue
        # Held by a writer (passed by), or gone.
        deleted += _folder_of_no_delivery_empty(delivery_id=delivery_id)
    if deleted:
        logger.info("Delivery files left behind by a killed worker deleted: %s.", deleted)
    return deleted


def delivery_files_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the files of deliveries sent longer ago than their schedule keeps them.

    The SHA-256 of each file stays: the public proof of delivery does not need the files.
    Return how many deliveries lost their files.
    """
    now = now or timezone.now()
    purged = 0
    deliveries = Delivery.objects.filter(
        status=Delivery.Status.SENT, files_deleted_at__isnull=True
    ).select_related("petition__delivery_schedule")
    due = []
    for delivery in deliveries.iterator():
        schedule = getattr(delivery.petition, "delivery_schedule", None)
        days = schedule.keep_files_days if schedule else settings.DELIVERY_FILES_KEEP_DAYS
        if delivery.sent_at is not None and delivery.sent_at + timedelta(days=days) <= now:
            due.append(delivery.pk)
    for delivery_id in due:
        # Under the row's lock, which deletes what a killed writer left in its folder too: a
        # copy of the list replaced after an erasure names the erased.
        with transaction.atomic():
            locked = delivery_files_lock(delivery_id=delivery_id, statuses=(Delivery.Status.SENT,))
            if locked is None or locked.files_deleted_at is not None:
                continue
            for field_file in (locked.letter_pdf, locked.signatures_csv):
                if field_file:
                    field_file.delete(save=False)
            Delivery.objects.filter(pk=delivery_id).update(
                letter_pdf="", signatures_csv="", files_deleted_at=now
            )
        purged += 1
    return purged

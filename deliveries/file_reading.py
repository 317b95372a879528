"""Reading a delivery's files: what a sender attaches, read under the row's lock, and the list
of named signers staff download, trailed.
"""

import hashlib
import logging
from dataclasses import dataclass
from typing import BinaryIO

from django.db import transaction
from django.db.models.fields.files import FieldFile

from core.actors import Actor
from deliveries import documents, selectors
from deliveries.file_storage import delivery_files_lock
from deliveries.file_writing import (
    delivery_files_not_yet_sent_rewrite,
    delivery_letter_bring_up_to_date,
)
from deliveries.models import Delivery
from staff.access_trail import access_event_record
from staff.models import AccessEvent

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FilesToSend:
    """A claimed delivery, and its files as read under its row's lock, to be attached as they
    are: their SHA-256 are the ones its row records."""

    delivery: Delivery
    letter: bytes
    signers: bytes | None  # None when the delivery carries counts only


def _file_read(field_file: FieldFile) -> bytes:
    # From the storage, by the name the row gives now: the field's own open() would reopen a
    # file it opened before under its former name.
    with field_file.storage.open(str(field_file.name), "rb") as stored:
        return stored.read()


def _files_read(*, delivery: Delivery) -> FilesToSend:
    letter = _file_read(delivery.letter_pdf)
    signers = _file_read(delivery.signatures_csv) if delivery.signatures_csv else None
    return FilesToSend(delivery=delivery, letter=letter, signers=signers)


def _files_as_recorded(files: FilesToSend) -> bool:
    delivery = files.delivery
    if hashlib.sha256(files.letter).hexdigest() != delivery.letter_sha256:
        return False
    return files.signers is None or hashlib.sha256(files.signers).hexdigest() == delivery.csv_sha256


def delivery_files_for_sending(*, delivery_id: int) -> FilesToSend | None:
    """Read the files a claimed delivery is about to send, its letter brought up to date
    first, under its row's lock; return them, or None if the delivery is no longer "sending".

    What is read here is what the row records, by SHA-256, for the proof and the ledger. An
    erasure writes the list of a delivery being sent again as it would a sent one's, under the
    same lock, keeping the SHA-256 of the list that goes: one that comes after this read is
    right to. One that came between the claim and this read wrote its copy before anything
    went, under a SHA-256 that is not that copy's: the files are then written again whole
    (count of names, letter, hashes), without the erased, before they go.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(delivery_id=delivery_id, statuses=(Delivery.Status.SENDING,))
        if delivery is None:
            return None
        delivery_letter_bring_up_to_date(delivery=delivery)
        files = _files_read(delivery=delivery)
        if _files_as_recorded(files):
            return files
        named = (
            delivery.named_count
            if delivery.counts_only
            else selectors.delivery_signatures(delivery=delivery).named_in_delivery().count()
        )
        delivery_files_not_yet_sent_rewrite(delivery=delivery, named_count=named)
        logger.info(
            "Delivery %s: written again before sending, its files no longer those recorded.",
            delivery_id,
        )
        return _files_read(delivery=delivery)


def delivery_signers_file_open(
    *, delivery: Delivery, actor: Actor, ip_hmac: str = ""
) -> BinaryIO | None:
    """Open the list of named signers a delivery carried, and trail it; None if it has none.

    The trail counts the names the file handed over holds: fewer than the delivery carried
    once a signer it named was erased (the list on file is written again without them).
    """
    if not delivery.signatures_csv:
        return None
    opened = delivery.signatures_csv.open("rb")
    access_event_record(
        actor=actor,
        action=AccessEvent.Action.EXPORTED_SIGNATURES,
        target=f"{Delivery._meta.label} #{delivery.pk}",
        row_count=documents.signers_csv_count(opened),
        ip_hmac=ip_hmac,
    )
    return opened

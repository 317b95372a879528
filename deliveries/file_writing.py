"""Writing a delivery's files: its letter and its list of named signers, in its language.

The letter (PDF) and the list of named signers (CSV) are written by deliveries.documents in
the delivery's language, streamed from a server-side cursor into temporary files, hashed, and
stored under deliveries/<id>/ in the private "deliveries" storage (deliveries.file_storage,
which keeps a worker killed in between from leaving a row naming a file that does not match).
"""

import hashlib
import logging
import tempfile
from typing import BinaryIO

from django.db import transaction
from django.utils import timezone, translation

from deliveries import documents, selectors
from deliveries.file_storage import delivery_file_store, delivery_files_lock
from deliveries.letter_content import letter_content_for, recipient_as_named
from deliveries.models import Delivery

logger = logging.getLogger(__name__)


# Rows fetched per round trip from the server-side cursor while writing the CSV.
CSV_CHUNK_SIZE = 2000
HASH_CHUNK_SIZE = 1024 * 1024


def _hash_and_rewind(fileobj: BinaryIO) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    while chunk := fileobj.read(HASH_CHUNK_SIZE):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _letter_write(*, delivery: Delivery) -> list[str]:
    """Write the delivery's letter in the active language, and record whom it names, from the
    same target; return the fields to save.

    The proof and the ledger name the recipient from what is recorded here: as the letter
    that went named them, whatever staff rename the target since.
    """
    with tempfile.TemporaryFile() as letter:
        letter.write(documents.letter_pdf_bytes(letter=letter_content_for(delivery=delivery)))
        delivery.letter_sha256 = _hash_and_rewind(letter)
        delivery_file_store(delivery=delivery, field_name="letter_pdf", fileobj=letter)
    named = recipient_as_named(target=delivery.target)
    for column, value in named.items():
        setattr(delivery, column, value)
    delivery.recipient_recorded = True
    return ["letter_pdf", "letter_sha256", *named, "recipient_recorded"]


def delivery_files_write(*, delivery: Delivery) -> list[str]:
    """Write the delivery's letter and list of names in its language; return the fields to
    save (the files, their SHA-256, the recipient the letter names)."""
    with translation.override(delivery.language):
        fields = [*_letter_write(delivery=delivery), "signatures_csv", "csv_sha256"]
        if delivery.counts_only:
            delivery.signatures_csv.name, delivery.csv_sha256 = "", ""
            return fields
        # Streamed from a server-side cursor into a temporary file: memory stays flat
        # whatever the number of signers.
        rows = selectors.delivery_named_signers(delivery=delivery).iterator(
            chunk_size=CSV_CHUNK_SIZE
        )
        with tempfile.TemporaryFile() as signers:
            documents.signers_csv_write(rows=rows, reference=delivery.reference, out=signers)
            delivery.csv_sha256 = _hash_and_rewind(signers)
            delivery_file_store(delivery=delivery, field_name="signatures_csv", fileobj=signers)
    return fields


def delivery_letter_bring_up_to_date(*, delivery: Delivery) -> bool:
    """Write a claimed delivery's letter again if its target was renamed (or given another title
    or organisation) since it was written; return whether it was written again.

    The sender calls it with the target it is about to email, before building the email: the
    letter that goes, the email and the name recorded for the proof and the ledger then all
    name the recipient alike. A letter written before names were recorded with it is written
    again too: whom it named is not known. Its list of names is left as it is.
    """
    named_now = recipient_as_named(target=delivery.target)
    if delivery.recipient_recorded and all(
        getattr(delivery, column) == value for column, value in named_now.items()
    ):
        return False
    # Under the row's lock, as every writer of its files; in its transaction, so that the
    # letter it replaces is deleted only once the row names the new one.
    with transaction.atomic():
        delivery_files_lock(delivery_id=delivery.pk, statuses=tuple(Delivery.Status.values))
        with translation.override(delivery.language):
            fields = _letter_write(delivery=delivery)
        delivery.save(update_fields=fields)
    logger.info("Delivery %s: letter written again, its recipient changed since.", delivery.pk)
    return True


def delivery_files_not_yet_sent_rewrite(*, delivery: Delivery, named_count: int) -> None:
    """Write a locked delivery not sent yet again whole: its letter says how many it names, and
    the public proof will show the SHA-256 of the files that go."""
    delivery.named_count = named_count
    delivery.files_changed_at = timezone.now()
    fields = delivery_files_write(delivery=delivery)
    delivery.save(update_fields=["named_count", "files_changed_at", *fields])

"""The files of a delivery: written once, kept privately, their SHA-256 published.

The letter (PDF) and the list of named signers (CSV) are written by deliveries.documents in
the delivery's language, streamed from a server-side cursor into temporary files, hashed, and
stored under deliveries/<id>/ in the private "deliveries" storage.

A file and the row that names it cannot be written in one step, so a file once stored is never
written again: each writing stores a new one under a name of its own, the row names it (with
its SHA-256) when its transaction commits, and the one it replaced is deleted then. A worker
killed in between leaves the row naming whole files that match their hashes, and beside them
a file no row names, which the next writer deletes (delivery_files_lock), or else beat's
daily sweep (delivery_files_left_behind_sweep).
"""

import hashlib
import logging
import secrets
import tempfile
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from modeltranslation.utils import build_localized_fieldname

from campaign.models import Campaign
from core.actors import Actor
from core.private_storage import delivery_files_storage
from deliveries import documents, selectors
from deliveries.letter_courtesy import letter_courtesy
from deliveries.models import (
    DELIVERIES_FOLDER,
    DeliveredSignature,
    Delivery,
    LetterTemplate,
    delivery_files_folder,
)
from petitions.models import Target
from staff.access_trail import access_event_record
from staff.models import AccessEvent

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


# The name each of a delivery's files is stored under, a random part added at each writing.
FILE_NAMES = {"letter_pdf": ("letter", ".pdf"), "signatures_csv": ("signatures", ".csv")}


def _file_store(*, delivery: Delivery, field_name: str, fileobj: BinaryIO) -> None:
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


@dataclass(frozen=True)
class LetterRecipient:
    """What a letter prints about its recipient, in the active language.

    The letter reads its target through this alone, and its fields are the ones recorded with
    the letter (recipient_as_named) and compared before sending: a field the letter comes to
    print is recorded and compared by being added here, never in a second list.
    """

    name: str
    title: str
    organisation: str


def letter_recipient(*, target: Target) -> LetterRecipient:
    """Return what a letter to `target` prints about it, in the active language."""
    return LetterRecipient(
        **{field.name: getattr(target, field.name) or "" for field in fields(LetterRecipient)}
    )


def recipient_lines(*, recipient: LetterRecipient) -> list[str]:
    """Return the address block: name, title, organisation, without saying anything twice.

    "Ambassadeur de Chine en France / Ambassadeur / Ambassade…" repeats the title that the
    name already carries: a line contained in an earlier one is left out.
    """
    lines: list[str] = []
    for line in (recipient.name, recipient.title, recipient.organisation):
        line = line.strip()
        if line and not any(line.lower() in earlier.lower() for earlier in lines):
            lines.append(line)
    return lines


def letter_reply_addresses(*, campaign: Campaign) -> tuple[str, str]:
    """Return the email and the postal address a letter names for a reply; either may be ""."""
    return campaign.contact_email, campaign.publisher_address.strip()


def letter_content_for(*, delivery: Delivery) -> documents.LetterContent:
    """Gather what the letter says, in the active language (the delivery's, by the caller)."""
    petition = delivery.petition
    campaign = petition.campaign
    recipient = letter_recipient(target=delivery.target)
    template = LetterTemplate.objects.filter(petition=petition).first() or LetterTemplate()
    courtesy = letter_courtesy(title=recipient.title or recipient.name)
    contact_email, postal_address = letter_reply_addresses(campaign=campaign)
    return documents.LetterContent(
        petition_title=petition.title,
        demand=petition.demand,
        campaign_name=campaign.name,
        recipient_lines=recipient_lines(recipient=recipient),
        created_at=delivery.created_at,
        reference=delivery.reference,
        new_count=delivery.total_count,
        cumulative_count=delivery.cumulative_count,
        named_count=delivery.named_count,
        counts_only=delivery.counts_only,
        counts_by_country=delivery.counts_by_country,
        salutation=template.salutation or courtesy.salutation,
        case_summary=template.case_summary,
        closing=template.closing or courtesy.closing,
        signatory=template.signatory,
        postal_address=postal_address,
        contact_email=contact_email,
    )


def recipient_as_named(*, target: Target) -> dict[str, str | None]:
    """Return all a letter prints about the target (LetterRecipient: name, title,
    organisation) in each language, as a delivery records it with the letter that names it.

    Only the columns of each language: the name without one would be read as the language
    active here, and overwrite it. Every language, since a letter in one prints another's
    where its own is empty (modeltranslation's fallbacks).
    """
    return {
        build_localized_fieldname(f"recipient_{field.name}", language): getattr(
            target, build_localized_fieldname(field.name, language)
        )
        for field in fields(LetterRecipient)
        for language in settings.MODELTRANSLATION_LANGUAGES
    }


def _letter_write(*, delivery: Delivery) -> list[str]:
    """Write the delivery's letter in the active language, and record whom it names, from the
    same target; return the fields to save.

    The proof and the ledger name the recipient from what is recorded here: as the letter
    that went named them, whatever staff rename the target since.
    """
    with tempfile.TemporaryFile() as letter:
        letter.write(documents.letter_pdf_bytes(letter=letter_content_for(delivery=delivery)))
        delivery.letter_sha256 = _hash_and_rewind(letter)
        _file_store(delivery=delivery, field_name="letter_pdf", fileobj=letter)
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
            _file_store(delivery=delivery, field_name="signatures_csv", fileobj=signers)
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
        _files_not_yet_sent_rewrite(delivery=delivery, named_count=named)
        logger.info(
            "Delivery %s: written again before sending, its files no longer those recorded.",
            delivery_id,
        )
        return _files_read(delivery=delivery)


def _signers_csv_rewrite(*, delivery: Delivery) -> None:
    """Write the delivery's list again from the signatures as they are now (erased ones gone).

    It keeps its reference line and order; its SHA-256 is that of the file as sent, which the
    public proof shows, while the copy on file no longer names the erased.
    """
    rows = selectors.delivery_named_signers(delivery=delivery).iterator(chunk_size=CSV_CHUNK_SIZE)
    with translation.override(delivery.language), tempfile.TemporaryFile() as signers:
        documents.signers_csv_write(rows=rows, reference=delivery.reference, out=signers)
        signers.seek(0)
        _file_store(delivery=delivery, field_name="signatures_csv", fileobj=signers)


# Not sent, and not in a sender's hands: what these hold may still change before it goes.
STATUSES_BEFORE_SENDING = (Delivery.Status.BUILDING, Delivery.Status.READY, Delivery.Status.FAILED)


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


def _files_not_yet_sent_rewrite(*, delivery: Delivery, named_count: int) -> None:
    """Write a locked delivery not sent yet again whole: its letter says how many it names, and
    the public proof will show the SHA-256 of the files that go."""
    delivery.named_count = named_count
    delivery.files_changed_at = timezone.now()
    fields = delivery_files_write(delivery=delivery)
    delivery.save(update_fields=["named_count", "files_changed_at", *fields])


def _list_on_file_rewrite(*, delivery_id: int, statuses: tuple[str, ...]) -> Delivery | None:
    """Write a delivery's list of names again from the signatures as they are now; return the
    delivery, or None if it has no list on file (or is no longer in one of `statuses`).

    A delivery not sent yet is written again whole, its count of names too. One sent (or being
    sent) has only its list on file rewritten; its SHA-256 stays that of the file as sent.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(delivery_id=delivery_id, statuses=statuses)
        if delivery is None or not delivery.signatures_csv:
            return None
        if delivery.status in STATUSES_BEFORE_SENDING:
            named = selectors.delivery_signatures(delivery=delivery).named_in_delivery()
            _files_not_yet_sent_rewrite(delivery=delivery, named_count=named.count())
        else:
            delivery.files_changed_at = timezone.now()
            _signers_csv_rewrite(delivery=delivery)
            delivery.save(update_fields=["signatures_csv", "files_changed_at"])
    return delivery


def _list_not_yet_sent_bring_up_to_date(*, delivery_id: int) -> bool:
    """Write a list not sent yet again if it names more people than may now be named; return
    whether it was written again.

    Names are only ever taken away (hidden, erased), so a list naming as many as may now be
    named is up to date and left alone. Counted under the row's lock: run twice, or at once
    with the check before sending, the list is written again once.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(delivery_id=delivery_id, statuses=STATUSES_BEFORE_SENDING)
        if delivery is None or delivery.counts_only or not delivery.signatures_csv:
            return False
        named_now = selectors.delivery_signatures(delivery=delivery).named_in_delivery().count()
        if named_now == delivery.named_count:
            return False
        _files_not_yet_sent_rewrite(delivery=delivery, named_count=named_now)
    return True


def _deliveries_carrying(signature_ids: list[int]) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        pk__in=DeliveredSignature.objects.filter(signature_id__in=signature_ids).values(
            "delivery_id"
        ),
        counts_only=False,
    ).order_by("pk")


def delivery_files_forget_signers(*, signature_ids: list[int]) -> int:
    """Take erased signers out of every list of names still on file; return how many lists.

    petitions.erasure calls it (this app's AppConfig names it) after anonymising them. Each
    rewrite is recorded on the delivery and in the access trail.
    """
    rewritten = 0
    every_status = tuple(Delivery.Status.values)
    for delivery_id in _deliveries_carrying(signature_ids).values_list("pk", flat=True):
        if _list_on_file_rewrite(delivery_id=delivery_id, statuses=every_status) is None:
            continue
        access_event_record(
            actor=None,
            action=AccessEvent.Action.ERASED_SIGNER,
            target=f"{Delivery._meta.label} #{delivery_id}: list on file rewritten",
        )
        rewritten += 1
    return rewritten


CANNOT_BE_RECALLED: dict[str, str] = {
    Delivery.Status.SENT: "list already sent, cannot be recalled",
    Delivery.Status.SENDING: "list being sent, cannot be recalled",
}


def delivery_lists_forget_hidden_names_queue(*, signature_ids: list[int]) -> int:
    """Have a worker write again, once hiding commits, the lists not sent yet that name these
    signers; return how many lists it will look at.

    petitions.name_review calls it (this app's AppConfig names it) with the signers it hid
    whose names a delivery could carry. Writing a list of a hundred thousand names takes
    seconds to minutes, with its row locked: never inside the request that hides a name. A
    list already sent, or in a sender's hands, cannot be recalled: the trail says so here.
    Whatever becomes of the worker, the check before sending (delivery_list_bring_up_to_date)
    keeps a hidden name out of what goes.
    """
    from deliveries.tasks import delivery_lists_forget_hidden_names_task, task_queue

    not_yet_sent = []
    carrying = _deliveries_carrying(signature_ids).values_list("pk", "status")
    for delivery_id, status in carrying:
        if status in STATUSES_BEFORE_SENDING:
            not_yet_sent.append(delivery_id)
        elif what := CANNOT_BE_RECALLED.get(status):
            label = f"{Delivery._meta.label} #{delivery_id}: {what}"
            access_event_record(actor=None, action=AccessEvent.Action.HID_NAMES, target=label)
    if not not_yet_sent:
        return 0

    def publish() -> None:
        task_queue(
            delivery_lists_forget_hidden_names_task,
            args=(not_yet_sent,),
            about=f"The rewrite of lists {not_yet_sent} without a hidden name",
            otherwise="beat's sweep tries again, and each is written again before it is sent.",
        )

    transaction.on_commit(publish)
    return len(not_yet_sent)


def delivery_lists_forget_hidden_names(*, delivery_ids: list[int]) -> int:
    """Write again whole (list, count of names, letter, hashes) each of these lists not sent
    yet that names someone whose name was hidden since; return how many were written again.

    Safe to run twice or after a crash: a list already up to date is left alone. Each list
    written again is recorded on the delivery and in the access trail.
    """
    rewritten = 0
    for delivery_id in delivery_ids:
        if not _list_not_yet_sent_bring_up_to_date(delivery_id=delivery_id):
            continue
        access_event_record(
            actor=None,
            action=AccessEvent.Action.HID_NAMES,
            target=f"{Delivery._meta.label} #{delivery_id}: list not yet sent rewritten",
        )
        rewritten += 1
    return rewritten


def delivery_lists_forget_hidden_names_sweep() -> int:
    """Write again the lists not sent yet that still name someone whose name was hidden since,
    as the worker queued on hiding would have; return how many were written again.

    Beat runs it (DELIVERY_LISTS_SWEEP_MINUTES) for what a lost message left: the broker down
    when hiding queued the worker, or a worker killed after taking it. Until then staff
    downloading such a list would read the hidden name. With nothing to do it is one query and
    reads no file; beside the worker or a send, each list is counted again under its row's lock
    and written once.
    """
    naming_too_many = selectors.delivery_lists_naming_too_many(statuses=STATUSES_BEFORE_SENDING)
    delivery_ids = list(naming_too_many.values_list("pk", flat=True))
    if not delivery_ids:
        return 0
    return delivery_lists_forget_hidden_names(delivery_ids=delivery_ids)


def delivery_list_bring_up_to_date(*, delivery_id: int) -> bool:
    """Before a delivery is sent, write its list again if it names someone it should no longer
    name; return whether it was written again.

    Hiding a name has a worker write the lists not sent yet again
    (delivery_lists_forget_hidden_names), but that worker may not have run yet, or its message
    may have been lost, and a list in a sender's hands is not written again. Checked before
    each try, whatever came between (a send the server deferred or refused, a sender that
    died, a resend by staff), what goes names only whom it may; the trail says when it was
    rewritten.
    """
    if not _list_not_yet_sent_bring_up_to_date(delivery_id=delivery_id):
        return False
    access_event_record(
        actor=None,
        action=AccessEvent.Action.HID_NAMES,
        target=f"{Delivery._meta.label} #{delivery_id}: list rewritten before sending",
    )
    return True


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

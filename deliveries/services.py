"""Deliveries: confirmed signatures reach the petition's targets in batches, each exactly once.

The beat task, the admin's "deliver now" and `manage.py deliver_signatures` all call
`deliveries_run`. Its steps are safe to repeat and to run at the same moment in two processes:

1. `delivery_batch_create` records a batch under a lock on its (petition, target) pair: every
   confirmed signature not yet carried to that target, inserted in one INSERT ... SELECT. The
   UniqueConstraint(target, signature) is the database's own guarantee of "at most once".
2. `delivery_files_build` writes the letter and the CSV, streaming the rows, and marks the
   delivery ready. A worker killed here leaves it "building", and the next run writes it again.
3. `delivery_send` claims the delivery with a conditional UPDATE, hands the email to the ESP and
   records "sent" with the ESP's message id; nothing claims a sent delivery again.
"""

import hashlib
import logging
import secrets
import smtplib
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import encoders
from email.mime.base import MIMEBase
from email.utils import make_msgid, parseaddr
from typing import BinaryIO

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.files import File
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import F, QuerySet, Sum
from django.template.loader import render_to_string
from django.utils import timezone, translation

from deliveries import documents, selectors
from deliveries.models import DeliveredSignature, Delivery, DeliverySchedule
from petitions.models import Petition, Target

logger = logging.getLogger(__name__)

# The letter's languages; targets in another (Chinese, Uyghur) get English for now.
LETTER_LANGUAGES = ("fr", "en")
LETTER_FALLBACK_LANGUAGE = "en"
# Rows fetched per round trip from the server-side cursor while writing the CSV.
CSV_CHUNK_SIZE = 2000
HASH_CHUNK_SIZE = 1024 * 1024
# An ESP or SMTP server that is down or refuses for now: retry later. A refused recipient
# would fail the same way again, until staff correct the target's address.
EMAIL_PERMANENT_ERRORS = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
    smtplib.SMTPRecipientsRefused,
)
EMAIL_TRANSIENT_ERRORS = (AnymailAPIError, smtplib.SMTPException, OSError)


@dataclass(frozen=True)
class PairOutcome:
    """What one run did (or, dry, would do) for one target of one petition."""

    petition: Petition
    target: Target
    awaiting: int
    named: int
    delivery: Delivery | None = None


@dataclass
class DeliveryRunReport:
    dry_run: bool
    outcomes: list[PairOutcome] = field(default_factory=list)
    resumed: int = 0

    @property
    def deliveries(self) -> list[Delivery]:
        return [outcome.delivery for outcome in self.outcomes if outcome.delivery is not None]


def delivery_language(*, target: Target) -> str:
    return target.language if target.language in LETTER_LANGUAGES else LETTER_FALLBACK_LANGUAGE


def _counts_only(*, petition: Petition) -> bool:
    schedule = DeliverySchedule.objects.filter(petition=petition).first()
    return schedule.counts_only if schedule else False


def _pair_lock(*, petition_id: int, target_id: int) -> None:
    """Hold, until the transaction ends, the lock on one (petition, target) pair's batches.

    Two runs that reach the same pair at once take turns here; the second then finds nothing
    left to carry. SQLite (one machine, `make run`) lets one writer at a time in anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"deliveries.batch:{petition_id}:{target_id}"],
        )


def _batch_insert(*, delivery: Delivery, awaiting: QuerySet) -> int:
    """Put every awaiting signature in the delivery in one statement; return how many."""
    sql, params = (
        awaiting.annotate(awaiting_id=F("pk")).values("awaiting_id").query.sql_with_params()
    )
    quote = connection.ops.quote_name
    table = quote(DeliveredSignature._meta.db_table)
    columns = ", ".join(quote(column) for column in ("delivery_id", "target_id", "signature_id"))
    # The two ids are integers from the database, cast again: nothing from outside reaches SQL.
    statement = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT {int(delivery.pk)}, {int(delivery.target_id)}, awaiting.{quote('awaiting_id')} "
        f"FROM ({sql}) AS awaiting"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    return make_msgid(idstring="delivery", domain=domain)


def delivery_batch_create(
    *, petition: Petition, target: Target, queue_send: bool = True
) -> Delivery | None:
    """Carry every confirmed signature not yet delivered to `target` in a new delivery.

    Return the delivery, its files written and (unless `queue_send` is false: the next run
    sends it) its email queued, or None when no signature waits. Safe to call from two
    processes at once: they take turns on the pair's lock.
    """
    with transaction.atomic():
        _pair_lock(petition_id=petition.pk, target_id=target.pk)
        awaiting = selectors.signatures_awaiting_delivery(petition=petition, target=target)
        if not awaiting.exists():
            return None
        counts_only = _counts_only(petition=petition)
        delivery = Delivery.objects.create(
            petition=petition,
            target=target,
            status=Delivery.Status.BUILDING,
            counts_only=counts_only,
            language=delivery_language(target=target),
            reference=secrets.token_hex(16),
            message_id=_message_id(),
        )
        total = _batch_insert(delivery=delivery, awaiting=awaiting)
        named = (
            0
            if counts_only
            else selectors.delivery_signatures(delivery=delivery)
            .filter(name_in_delivery=True)
            .count()
        )
        earlier = (
            Delivery.objects.filter(petition=petition, target=target)
            .exclude(pk=delivery.pk)
            .aggregate(total=Sum("total_count"))["total"]
            or 0
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            total_count=total,
            named_count=named,
            cumulative_count=earlier + total,
            counts_by_country=selectors.delivery_counts_by_country(delivery=delivery),
        )
    delivery_files_build(delivery_id=delivery.pk, queue_send=queue_send)
    delivery.refresh_from_db()
    return delivery


def _hash_and_rewind(fileobj: BinaryIO) -> str:
    fileobj.seek(0)
    digest = hashlib.sha256()
    while chunk := fileobj.read(HASH_CHUNK_SIZE):
        digest.update(chunk)
    fileobj.seek(0)
    return digest.hexdigest()


def _file_store(*, delivery: Delivery, field_name: str, filename: str, fileobj: BinaryIO) -> str:
    """Store the file under deliveries/<id>/, replacing what an interrupted build left."""
    field_file = getattr(delivery, field_name)
    storage = field_file.storage
    name = field_file.field.generate_filename(delivery, filename)
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, File(fileobj, name=filename))


def _letter_content(*, delivery: Delivery) -> documents.LetterContent:
    target, petition = delivery.target, delivery.petition
    return documents.LetterContent(
        petition_title=petition.title,
        demand=petition.demand,
        campaign_name=petition.campaign.name,
        recipient_lines=[line for line in (target.name, target.title, target.organisation) if line],
        created_at=delivery.created_at,
        reference=delivery.reference,
        new_count=delivery.total_count,
        cumulative_count=delivery.cumulative_count,
        named_count=delivery.named_count,
        counts_only=delivery.counts_only,
        counts_by_country=delivery.counts_by_country,
    )


def _files_write(*, delivery: Delivery) -> None:
    with translation.override(delivery.language):
        with tempfile.TemporaryFile() as letter:
            letter.write(documents.letter_pdf_bytes(letter=_letter_content(delivery=delivery)))
            delivery.letter_sha256 = _hash_and_rewind(letter)
            delivery.letter_pdf.name = _file_store(
                delivery=delivery, field_name="letter_pdf", filename="letter.pdf", fileobj=letter
            )
        if delivery.counts_only:
            delivery.signatures_csv.name, delivery.csv_sha256 = "", ""
            return
        # Streamed from a server-side cursor into a temporary file: memory stays flat
        # whatever the number of signers.
        rows = selectors.delivery_named_signers(delivery=delivery).iterator(
            chunk_size=CSV_CHUNK_SIZE
        )
        with tempfile.TemporaryFile() as signers:
            documents.signers_csv_write(rows=rows, reference=delivery.reference, out=signers)
            delivery.csv_sha256 = _hash_and_rewind(signers)
            delivery.signatures_csv.name = _file_store(
                delivery=delivery,
                field_name="signatures_csv",
                filename="signatures.csv",
                fileobj=signers,
            )


def delivery_files_build(*, delivery_id: int, queue_send: bool = True) -> Delivery | None:
    """Write a recorded batch's letter and CSV, mark it ready and queue its email.

    The row stays locked while the files are written, so two runs never write one delivery at
    once; if the worker dies, its connection and lock go with it and the delivery is still
    "building" for the next run. Return None if it was not (or no longer) waiting for files.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("petition__campaign", "target")
            .filter(pk=delivery_id, status=Delivery.Status.BUILDING)
            .first()
        )
        if delivery is None:
            return None
        _files_write(delivery=delivery)
        delivery.status = Delivery.Status.READY
        delivery.save(
            update_fields=[
                "status",
                "letter_pdf",
                "letter_sha256",
                "signatures_csv",
                "csv_sha256",
            ]
        )
        if queue_send:
            delivery_send_queue(delivery_id=delivery.pk)
    return delivery


def delivery_send_queue(*, delivery_id: int) -> None:
    """Send the delivery once the transaction commits, by a worker if there is one.

    If the broker cannot be reached, the delivery stays ready and the next run queues it.
    """
    from deliveries.tasks import delivery_send_task

    def publish() -> None:
        try:
            delivery_send_task.apply_async(args=[delivery_id], retry=False)
        except Exception:
            logger.warning(
                "Delivery %s not queued; the next run will send it.", delivery_id, exc_info=True
            )

    transaction.on_commit(publish)


def _delivery_message(*, delivery: Delivery) -> EmailMessage:
    petition, target = delivery.petition, delivery.target
    context = {"delivery": delivery, "petition": petition, "target": target}
    with translation.override(delivery.language):
        subject = render_to_string("deliveries/email/delivery_subject.txt", context)
        body = render_to_string("deliveries/email/delivery.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[target.email],
        # The same Message-ID on every attempt: should a resend ever follow a send whose
        # acceptance was lost, the recipient's mail system sees one message twice.
        headers={"Message-ID": delivery.message_id} if delivery.message_id else {},
    )
    stem = f"{petition.slug}-{delivery.pk}"
    with delivery.letter_pdf.open("rb") as letter:
        message.attach(_attachment(f"{stem}-letter.pdf", letter.read(), "application/pdf"))
    if delivery.signatures_csv:
        with delivery.signatures_csv.open("rb") as signers:
            message.attach(_attachment(f"{stem}-signatures.csv", signers.read(), "text/csv"))
    return message


def _attachment(filename: str, content: bytes, mimetype: str) -> MIMEBase:
    """Return an attachment that carries `content` byte for byte, whatever its type.

    Django would decode a text/csv attachment and let its line endings be rewritten in
    transit; base64 keeps the bytes whose SHA-256 is published.
    """
    maintype, subtype = mimetype.split("/")
    part = MIMEBase(maintype, subtype)
    part.set_payload(content)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=filename)
    return part


def delivery_send(*, delivery_id: int) -> bool:
    """Email a ready (or failed) delivery to its target; return whether this call sent it.

    Safe to run twice or at once on two workers: the claim (READY/FAILED -> SENDING, a
    conditional UPDATE) lets one sender through, and "sent" is recorded with the ESP's message
    id as soon as the ESP accepts, so no retry claims it again. An ESP error leaves it failed,
    with the error; transient ones are raised for the task to retry.
    """
    claimed = Delivery.objects.filter(
        pk=delivery_id, status__in=[Delivery.Status.READY, Delivery.Status.FAILED]
    ).update(
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now(),
        attempt_count=F("attempt_count") + 1,
        error="",
    )
    if not claimed:
        return False
    delivery = Delivery.objects.select_related("petition", "target").get(pk=delivery_id)
    claim = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING)
    try:
        message = _delivery_message(delivery=delivery)
        message.send()
    except Exception as error:
        claim.update(status=Delivery.Status.FAILED, error=f"{type(error).__name__}: {error}")
        if isinstance(error, EMAIL_PERMANENT_ERRORS):
            logger.warning("Delivery %s refused by the ESP: %s", delivery_id, error)
            return False
        raise
    # Anything but an Exception (the worker is being killed) leaves the claim: see
    # deliveries_interrupted_resume.
    anymail_status = getattr(message, "anymail_status", None)
    esp_message_id = anymail_status.message_id if anymail_status else None
    claim.update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        esp_message_id="" if esp_message_id is None else str(esp_message_id)[:255],
    )
    return True


def deliveries_interrupted_resume(*, now: datetime | None = None) -> int:
    """Finish what dead workers left: write "building" files, send "ready" and stale "sending".

    A delivery still "sending" DELIVERY_SEND_CLAIM_SECONDS after its claim, with no ESP message
    id, lost its worker between the claim and the record of the ESP's answer. Whether the ESP
    accepted it cannot be known here, so it is sent again: at least once rather than at most
    once, since an undelivered petition is the worse failure. The window is the few
    milliseconds between the ESP's acceptance and the UPDATE that records it, and a resend
    carries the same Message-ID. A retry after an ESP error, or a task run twice, never sends
    again: only this sweep reopens a claim. Return how many deliveries were taken up again.
    """
    now = now or timezone.now()
    resumed = 0
    for delivery_id in Delivery.objects.filter(status=Delivery.Status.BUILDING).values_list(
        "pk", flat=True
    ):
        resumed += delivery_files_build(delivery_id=delivery_id) is not None
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS),
        esp_message_id="",
    )
    resumed += stale.update(status=Delivery.Status.READY)
    # The broker may have lost the task of a ready one (a duplicate task finds it claimed).
    for delivery_id in Delivery.objects.filter(status=Delivery.Status.READY).values_list(
        "pk", flat=True
    ):
        delivery_send_queue(delivery_id=delivery_id)
    return resumed


def deliveries_resend(*, deliveries: QuerySet[Delivery]) -> int:
    """Queue the failed deliveries among `deliveries` to be sent again; return how many."""
    failed = list(deliveries.filter(status=Delivery.Status.FAILED).values_list("pk", flat=True))
    for delivery_id in failed:
        delivery_send_queue(delivery_id=delivery_id)
    return len(failed)


def _pairs_for(*, petition: Petition) -> list[selectors.DuePair]:
    return [
        selectors.DuePair(
            petition=petition,
            target=target,
            awaiting=selectors.signatures_awaiting_delivery(
                petition=petition, target=target
            ).count(),
        )
        for target in petition.targets.all()
    ]


def deliveries_run(
    *, petition: Petition | None = None, dry_run: bool = False, now: datetime | None = None
) -> DeliveryRunReport:
    """Deliver what is due: every petition's schedule, or all that waits for one petition.

    The one entry point of beat, the admin's "deliver now" and `deliver_signatures`. A dry
    run reports, per target, how many signatures would go and how many signers would be named,
    and writes nothing.
    """
    now = now or timezone.now()
    report = DeliveryRunReport(dry_run=dry_run)
    if petition is None:
        pairs = selectors.deliveries_due(now=now)
        schedules = DeliverySchedule.objects.filter(is_active=True)
    else:
        pairs = _pairs_for(petition=petition)
        schedules = DeliverySchedule.objects.filter(petition=petition)
    if dry_run:
        for pair in pairs:
            named = 0
            if pair.awaiting and not _counts_only(petition=pair.petition):
                named = (
                    selectors.signatures_awaiting_delivery(
                        petition=pair.petition, target=pair.target
                    )
                    .filter(name_in_delivery=True)
                    .count()
                )
            report.outcomes.append(
                PairOutcome(
                    petition=pair.petition, target=pair.target, awaiting=pair.awaiting, named=named
                )
            )
        return report
    report.resumed = deliveries_interrupted_resume(now=now)
    for pair in pairs:
        delivery = (
            delivery_batch_create(petition=pair.petition, target=pair.target)
            if pair.awaiting
            else None
        )
        report.outcomes.append(
            PairOutcome(
                petition=pair.petition,
                target=pair.target,
                awaiting=delivery.total_count if delivery else 0,
                named=delivery.named_count if delivery else 0,
                delivery=delivery,
            )
        )
    schedules.update(last_run_at=now)
    return report

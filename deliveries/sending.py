"""Sending a delivery: claimed by one worker, handed to the ESP, recorded as sent at once.

`delivery_send` claims the delivery with a conditional UPDATE, hands the email to the ESP and
records "sent" with the ESP's message id; nothing claims a sent delivery again.
"""

import logging
from email import encoders
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from core.email_sending import (
    EmailFailure,
    email_failure_kind,
    email_message_build,
    email_send,
    esp_message_id,
)
from deliveries.models import Delivery

logger = logging.getLogger(__name__)


def delivery_send_queue(*, delivery_id: int) -> None:
    """Send the delivery once the transaction commits, by a worker if there is one.

    If the broker cannot be reached, the delivery stays ready and the next run queues it.
    """
    from deliveries.tasks import delivery_send_task

    def publish() -> None:
        try:
            delivery_send_task.apply_async(args=(delivery_id,), retry=False)
        except Exception:
            logger.warning(
                "Delivery %s not queued; the next run will send it.", delivery_id, exc_info=True
            )

    transaction.on_commit(publish)


def _delivery_message(*, delivery: Delivery) -> EmailMessage:
    petition, target = delivery.petition, delivery.target
    message = email_message_build(
        template="deliveries/email/delivery",
        context={"delivery": delivery, "petition": petition, "target": target},
        language=delivery.language,
        to=[target.email],
        # The same Message-ID on every attempt: should a resend ever follow a send whose
        # acceptance was lost, the recipient's mail system sees one message twice.
        headers={"Message-ID": delivery.message_id} if delivery.message_id else {},
        html=False,
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
        email_send(message)
    except Exception as error:
        claim.update(status=Delivery.Status.FAILED, error=f"{type(error).__name__}: {error}")
        # A refused recipient would fail the same way again, until staff correct the address.
        if email_failure_kind(error) is EmailFailure.PERMANENT:
            logger.warning("Delivery %s refused by the ESP: %s", delivery_id, error)
            return False
        raise
    # Anything but an Exception (the worker is being killed) leaves the claim: see
    # deliveries_interrupted_resume.
    accepted_as = esp_message_id(message)
    claim.update(
        status=Delivery.Status.SENT,
        sent_at=timezone.now(),
        esp_message_id=(accepted_as or "")[:255],
    )
    return True


def deliveries_resend(*, deliveries: QuerySet[Delivery]) -> int:
    """Queue the failed deliveries among `deliveries` to be sent again; return how many."""
    failed = list(deliveries.filter(status=Delivery.Status.FAILED).values_list("pk", flat=True))
    for delivery_id in failed:
        delivery_send_queue(delivery_id=delivery_id)
    return len(failed)

"""Sending a delivery: claimed by one worker, handed to the ESP, recorded as sent at once.

`delivery_send` claims the delivery with a conditional UPDATE, hands the email to the ESP and
records "sent" with the ESP's message id; nothing claims a sent delivery again. Refusals are
sorted by core.email_sending: "later" is tried again with a backoff, for hours; "never" leaves
the delivery failed and tells the petition's managers.
"""

import logging
from datetime import timedelta
from email import encoders
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.database_retries import database_write_retry
from core.email_sending import (
    EmailFailure,
    SendFailure,
    email_failure,
    email_message_build,
    email_send,
    esp_message_id,
    retry_delay,
)
from deliveries.file_reading import FilesToSend, delivery_files_for_sending
from deliveries.list_rewrites import delivery_list_bring_up_to_date
from deliveries.models import Delivery
from deliveries.notices import delivery_notices_queue
from petitions.ledger import ledger_delivery_record
from petitions.manager_emails import petition_managers_email

logger = logging.getLogger(__name__)


def delivery_send_queue(*, delivery_id: int, countdown: float = 0) -> None:
    """Send the delivery once the transaction commits (after `countdown` seconds), by a worker.

    If the broker cannot be reached, the delivery stays ready and the next run queues it.
    """
    from deliveries.tasks import delivery_send_task, task_queue

    def publish() -> None:
        task_queue(
            delivery_send_task,
            args=(delivery_id,),
            countdown=countdown,
            about=f"The sending of delivery {delivery_id}",
            otherwise="the next run sends it.",
        )

    transaction.on_commit(publish)


def _delivery_message(*, files: FilesToSend) -> EmailMessage:
    """Build the email to the target, its files attached byte for byte as they were read."""
    delivery = files.delivery
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
    # A target who answers the email reaches the campaign, not the sending address.
    if petition.campaign.contact_email:
        message.reply_to = [petition.campaign.contact_email]
    stem = f"{petition.slug}-{delivery.pk}"
    message.attach(_attachment(f"{stem}-letter.pdf", files.letter, "application/pdf"))
    if files.signers is not None:
        message.attach(_attachment(f"{stem}-signatures.csv", files.signers, "text/csv"))
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
    """Email a ready delivery to its target; return whether this call sent it.

    Safe to run twice or at once on two workers: the claim (READY -> SENDING, a conditional
    UPDATE, once its next attempt is due) lets one sender through, and "sent" is recorded with
    the ESP's message id as soon as the ESP accepts, so nothing claims it again. A server that
    says "later" leaves it ready for a later attempt, with a backoff, for hours; a permanent
    refusal leaves it failed, and staff are told.
    """
    # The list that goes names no one hidden since it was written (deliveries.list_rewrites).
    delivery_list_bring_up_to_date(delivery_id=delivery_id)
    now = timezone.now()
    claimed = (
        Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.READY)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            attempt_count=F("attempt_count") + 1,
        )
    )
    if not claimed:
        return False
    # Its attempts and the end of its retries, should this one fail.
    delivery = Delivery.objects.get(pk=delivery_id)
    claim = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING)
    try:
        # Read under the row's lock, the letter first written again if the target was renamed:
        # the files attached are those whose SHA-256 the proof and the ledger give, whatever an
        # erasure writes on file meanwhile (deliveries.file_reading).
        files = delivery_files_for_sending(delivery_id=delivery_id)
        if files is None:
            logger.warning("Delivery %s no longer claimed by this sender: not sent.", delivery_id)
            return False
        message = _delivery_message(files=files)
        email_send(message)
    except Exception as error:
        failure = email_failure(error)
        if failure is None:
            logger.exception("Delivery %s not sent.", delivery_id)
            failure = SendFailure(EmailFailure.TRANSIENT, type(error).__name__)
        _failure_record(delivery, claim, failure)
        return False
    # Anything but an Exception (the worker is being killed) leaves the claim: see
    # deliveries.runs.deliveries_interrupted_resume.
    accepted_as = esp_message_id(message)
    sent_at = timezone.now()
    # Recording it is all that keeps it from being sent again: tried until the claim ends.
    database_write_retry(
        lambda: claim.update(
            status=Delivery.Status.SENT,
            sent_at=sent_at,
            esp_message_id=(accepted_as or "")[:255],
            next_attempt_at=None,
            retry_until=None,
            error="",
        ),
        until=now + timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS),
    )
    # Signers who asked for news hear that their signature went (deliveries.notices).
    delivery_notices_queue(delivery_id=delivery_id)
    try:
        ledger_delivery_record(delivery_id=delivery_id)
    except Exception:
        # The delivery went: beat's daily entry writes the ledger's record of it later.
        logger.exception("Delivery %s not yet in the ledger.", delivery_id)
    return True


def _failure_record(delivery: Delivery, claim: QuerySet[Delivery], failure: SendFailure) -> None:
    """Leave a refused delivery failed for good (and tell staff), or ready for a later try."""
    now = timezone.now()
    retry_until = delivery.retry_until or now + timedelta(hours=settings.DELIVERY_EMAIL_RETRY_HOURS)
    if failure.is_permanent or now >= retry_until:
        logger.warning("Delivery %s refused for good: %s", delivery.pk, failure.reason)
        claim.update(
            status=Delivery.Status.FAILED,
            error=failure.reason,
            next_attempt_at=None,
            retry_until=None,
        )
        transaction.on_commit(lambda: delivery_failure_notify(delivery_id=delivery.pk))
        return
    delay = retry_delay(
        attempt=delivery.attempt_count,
        first_seconds=settings.DELIVERY_EMAIL_RETRY_BACKOFF,
        longest_seconds=settings.DELIVERY_EMAIL_RETRY_LONGEST,
    )
    logger.info("Delivery %s deferred by the server: %s", delivery.pk, failure.reason)
    claim.update(
        status=Delivery.Status.READY,
        error=failure.reason,
        next_attempt_at=now + delay,
        retry_until=retry_until,
    )
    delivery_send_queue(delivery_id=delivery.pk, countdown=delay.total_seconds())


def deliveries_resend(*, deliveries: QuerySet[Delivery]) -> int:
    """Send the failed deliveries among `deliveries` again, now; return how many."""
    failed = list(deliveries.filter(status=Delivery.Status.FAILED).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=failed, status=Delivery.Status.FAILED).update(
        status=Delivery.Status.READY, next_attempt_at=None, retry_until=None
    )
    for delivery_id in failed:
        delivery_send_queue(delivery_id=delivery_id)
    return len(failed)


def delivery_failure_notify(*, delivery_id: int) -> int:
    """Email the petition's managers that a delivery was refused for good; return how many.

    The managers are the active members of the "Petition managers" group and the superusers
    who have an email address. The admin also shows every failed delivery on each page.
    """
    delivery = Delivery.objects.select_related("petition", "target").get(pk=delivery_id)
    return petition_managers_email(
        template="deliveries/email/delivery_failed",
        context={
            "delivery": delivery,
            "admin_url": settings.SITE_URL
            + reverse("admin:deliveries_delivery_change", args=[delivery.pk]),
        },
        about=f"delivery {delivery_id} failing",
    )

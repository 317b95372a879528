"""Telling signers who asked for news that their signature was delivered, and what the
authorities answered: one email per delivery, and one per reply.

Once a delivery is recorded as sent, `delivery_notices_create` writes one DeliveryNotice per
carried signer who asked for news (the unique constraint refuses a second), and senders claim
the ones due in batches (`SELECT ... FOR UPDATE SKIP LOCKED`, core/row_claims.py), as
confirmation emails are claimed. They go through core.email_sending with the confirmations'
failure rules: "later" is tried again with a backoff for SIGNATURE_EMAIL_RETRY_HOURS, "never" is
recorded and dropped. Beat's sweep creates and sends what a lost task left. Each carries the
one-click stop of petitions/news.py (RFC 8058), like the updates.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.database_retries import database_write_retry
from core.email_merge import EmailMerge
from core.email_sending import (
    EmailFailure,
    SendFailure,
    email_failure,
    email_message_of,
    email_outbox_forget,
    email_send,
    message_id_make,
    retry_delay,
    sender_named,
)
from core.row_claims import due_rows_claim
from core.secret_boxes import SecretBoxUnreadable
from core.served_languages import email_language
from deliveries.models import Delivery, DeliveryNotice, DeliveryReply
from petitions.access_requests import SignerEmail
from petitions.models import Signature
from petitions.names import name_for_greeting
from petitions.news import news_stop_headers, news_stop_url, signature_news_stop
from petitions.sealing import news_address_open
from petitions.signature_links import withdrawal_url_make

logger = logging.getLogger(__name__)

CLAIM_BATCH = 50
CLAIM_SECONDS = 60
# The sweep takes up deliveries sent this recently whose notices a lost task never wrote.
SWEEP_DAYS = 7


def delivery_notices_create(*, delivery_id: int) -> int:
    """Owe each signer the delivery carried who asked for news one email; return how many new.

    Safe to run again: a signer already owed (or sent) one for this delivery is skipped.
    """
    delivery = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENT).first()
    if delivery is None:
        return 0
    signers = (
        news_signers_of(delivery_id=delivery.pk)
        .exclude(
            Exists(
                DeliveryNotice.objects.filter(
                    delivery=delivery, reply__isnull=True, signature=OuterRef("pk")
                )
            )
        )
        .values_list("pk", flat=True)
    )
    return _notices_write(signers, delivery=delivery, reply=None)


def news_signers_of(*, delivery_id: int) -> QuerySet[Signature]:
    """The signers a delivery carried who asked for news (and whose address is kept for it)."""
    return Signature.objects.filter(
        deliveries_carried__delivery=delivery_id,
        newsletter_opt_in=True,
        news_address__isnull=False,
    )


def reply_notices_create(*, reply_id: int) -> int:
    """Owe each signer who asked for news, of those the answered delivery carried, one email,
    once staff chose to tell them (deliveries/replies.py)."""
    reply = DeliveryReply.objects.filter(
        pk=reply_id, kind=DeliveryReply.Kind.REPLY, signers_told_at__isnull=False
    ).first()
    if reply is None:
        return 0
    signers = (
        news_signers_of(delivery_id=reply.delivery_id)
        .exclude(Exists(DeliveryNotice.objects.filter(reply=reply, signature=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    return _notices_write(signers, delivery=reply.delivery, reply=reply)


def _notices_write(signers, *, delivery: Delivery, reply: DeliveryReply | None) -> int:
    now = timezone.now()
    created = 0
    batch: list[DeliveryNotice] = []
    for signature_id in signers.iterator(chunk_size=2000):
        batch.append(
            DeliveryNotice(delivery=delivery, reply=reply, signature_id=signature_id, due_at=now)
        )
        if len(batch) >= 2000:
            created += len(DeliveryNotice.objects.bulk_create(batch, ignore_conflicts=True))
            batch = []
    if batch:
        created += len(DeliveryNotice.objects.bulk_create(batch, ignore_conflicts=True))
    return created


def delivery_notices_queue(*, delivery_id: int, reply_id: int | None = None) -> None:
    """Have a worker write and send a delivery's (or a reply's) notices after the commit."""
    from deliveries.tasks import delivery_notices_task, task_queue

    def publish() -> None:
        task_queue(
            delivery_notices_task,
            args=(delivery_id, reply_id),
            about=f"Notices of delivery {delivery_id}",
            otherwise="the sweep sends them.",
        )

    transaction.on_commit(publish)


def delivery_notices_claim(*, limit: int = CLAIM_BATCH) -> list[DeliveryNotice]:
    """Claim up to `limit` notices due now; a sender that dies leaves them due again."""
    now = timezone.now()
    claimed = due_rows_claim(
        DeliveryNotice.objects.filter(status=DeliveryNotice.Status.DUE, due_at__lte=now),
        order_by="due_at",
        limit=limit,
        claim={
            "due_at": now + timedelta(seconds=CLAIM_SECONDS),
            "attempt_count": F("attempt_count") + 1,
        },
    )
    return list(
        DeliveryNotice.objects.filter(pk__in=claimed).select_related(
            "signature", "delivery__petition__campaign", "reply"
        )
    )


def _notice_message(notice: DeliveryNotice, address: str, *, merge: EmailMerge) -> EmailMessage:
    signature, delivery = notice.signature, notice.delivery
    language = email_language(person_language=signature.language)
    withdraw_url = withdrawal_url_make(signature=signature, language=language)
    with translation.override(language):
        petition_url = settings.SITE_URL + delivery.petition.get_absolute_url()
    stop_url = news_stop_url(signature=signature)
    # Rendered once per delivery (or answer) and language in a batch (core.email_merge).
    texts = merge.texts(
        template="deliveries/email/answered" if notice.reply_id else "deliveries/email/delivered",
        context={
            "petition": delivery.petition,
            "delivery": delivery,
            "reply": notice.reply,
            # No "target": the templates name the recipient as the signatures went
            # (`delivery.recipient_shown`), whatever staff have renamed it since.
            "petition_url": petition_url,
        },
        own={
            "greeting_name": name_for_greeting(signature.first_name),
            "withdraw_url": withdraw_url,
            "stop_url": stop_url,
        },
        language=language,
        shared_key=(notice.delivery_id, notice.reply_id),
        html=False,
    )
    return email_message_of(
        texts=texts,
        from_email=sender_named(delivery.petition.campaign.name_in(language)),
        to=[address],
        headers={
            "Message-ID": notice.message_id,
            "Auto-Submitted": "auto-generated",
            **news_stop_headers(stop_url=stop_url),
        },
    )


def _failure_record(notice: DeliveryNotice, failure: SendFailure, now: datetime) -> None:
    retry_until = notice.retry_until or now + timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS)
    claim = DeliveryNotice.objects.filter(pk=notice.pk, status=DeliveryNotice.Status.DUE)
    if failure.mailbox_refused:
        # A mailbox that no longer exists may be given to someone else: no news goes there.
        signature_news_stop(signature_id=notice.signature_id)
    if failure.is_permanent or now >= retry_until:
        claim.update(status=DeliveryNotice.Status.FAILED, error=failure.reason[:300])
        return
    delay = retry_delay(
        attempt=notice.attempt_count,
        first_seconds=settings.SIGNATURE_EMAIL_RETRY_BACKOFF,
        longest_seconds=settings.SIGNATURE_EMAIL_RETRY_LONGEST,
    )
    claim.update(error=failure.reason[:300], due_at=now + delay, retry_until=retry_until)


def delivery_notice_send(notice: DeliveryNotice, *, merge: EmailMerge | None = None) -> bool:
    """Send one claimed notice and record what came of it; return whether it went.

    `merge` is the batch's (core.email_merge): the notices of one delivery share a rendering.
    """
    try:
        address = news_address_open(notice.signature.news_address)
    except SecretBoxUnreadable:
        # Boxed under a NEWS_ADDRESS_KEY since changed: the signer must subscribe again.
        logger.warning("Delivery notice %s not sent: its news address does not open.", notice.pk)
        DeliveryNotice.objects.filter(pk=notice.pk).update(
            status=DeliveryNotice.Status.FAILED, error="news address unreadable"
        )
        return False
    if not address:  # the signer stopped the news since
        DeliveryNotice.objects.filter(pk=notice.pk).update(status=DeliveryNotice.Status.FAILED)
        return False
    if not notice.message_id:
        notice.message_id = message_id_make(idstring="delivered")
        DeliveryNotice.objects.filter(pk=notice.pk).update(message_id=notice.message_id)
    try:
        email_send(_notice_message(notice, address, merge=merge or EmailMerge()))
    except Exception as error:
        failure = email_failure(error)
        if failure is None:
            logger.exception("Delivery notice %s not sent.", notice.pk)
            failure = SendFailure(EmailFailure.TRANSIENT, type(error).__name__)
        _failure_record(notice, failure, timezone.now())
        return False
    sent_at = timezone.now()
    database_write_retry(
        lambda: DeliveryNotice.objects.filter(pk=notice.pk).update(
            status=DeliveryNotice.Status.SENT, sent_at=sent_at, error=""
        ),
        until=sent_at + timedelta(seconds=CLAIM_SECONDS),
    )
    return True


def delivery_notices_send() -> int:
    """Send every notice due, batch after batch; return how many went."""
    sent = 0
    while notices := delivery_notices_claim():
        merge = EmailMerge()
        sent += sum(delivery_notice_send(notice, merge=merge) for notice in notices)
    return sent


def delivery_notices_sweep(*, now: datetime | None = None) -> int:
    """Write what lost tasks left unwritten, for deliveries sent lately, then send what is due."""
    now = now or timezone.now()
    recent = Delivery.objects.sent().filter(sent_at__gte=now - timedelta(days=SWEEP_DAYS))
    for delivery_id in recent.values_list("pk", flat=True):
        delivery_notices_create(delivery_id=delivery_id)
    replies = DeliveryReply.objects.filter(
        kind=DeliveryReply.Kind.REPLY, signers_told_at__gte=now - timedelta(days=SWEEP_DAYS)
    )
    for reply_id in replies.values_list("pk", flat=True):
        reply_notices_create(reply_id=reply_id)
    return delivery_notices_send()


def delivery_notices_forget_signers(*, signature_ids: list[int]) -> int:
    """Blank the refusals and Message-IDs of notices to these erased signers (erasure calls it)."""
    return email_outbox_forget(DeliveryNotice.objects.filter(signature_id__in=signature_ids))


def delivery_notices_sent_to(*, signature_ids: list[int]) -> list[SignerEmail]:
    """Return the notices sent to these signatures, worded in the active language (what the
    site holds about a person calls it: petitions/access_requests.py)."""
    notices = DeliveryNotice.objects.filter(
        signature_id__in=signature_ids, status=DeliveryNotice.Status.SENT
    ).values_list("signature_id", "sent_at", "reply_id")
    return [
        SignerEmail(
            signature_id,
            sent_at,
            gettext("The authorities answered")
            if reply_id
            else gettext("Your signature was delivered"),
        )
        for signature_id, sent_at, reply_id in notices
        if sent_at is not None
    ]

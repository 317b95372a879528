"""Sending an approved update: each recipient row is the outbox of one email.

Starting fills the recipient list from the signers who asked for news, then a task sends it in
batches at the rate staff set. A sender claims a batch (`SELECT ... FOR UPDATE SKIP LOCKED`,
core/row_claims.py) for UPDATE_CLAIM_SECONDS, so two senders never send the same email and a
killed sender's rows are sent by the next one. The address is read, and decrypted, only as each
email goes: a signer who stopped updates in between is skipped. Failures follow
core/email_sending.py's taxonomy: a permanent refusal is recorded, a transient one is tried
again after a backoff for UPDATE_EMAIL_RETRY_HOURS from the recipient's first attempt; a mailbox
refused for good gets no more news, as after a bounce.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext

from core.actors import Actor
from core.email_sending import (
    SendFailure,
    email_failure,
    email_outbox_forget,
    email_send,
    esp_message_id,
    retry_delay,
)
from core.row_claims import due_rows_claim
from core.secret_boxes import SecretBoxUnreadable
from petitions.access_requests import SignerEmail
from petitions.models import Signature
from petitions.news import news_subscribers, signature_news_stop
from petitions.sealing import news_address_open
from updates.approval import update_sending_claim
from updates.messages import UpdateTexts, update_message_build, update_message_id_make
from updates.models import SupporterUpdate, UpdateRecipient

logger = logging.getLogger(__name__)

QUEUE_CHUNK = 5000


def update_send_start(*, update: SupporterUpdate, actor: Actor) -> None:
    """Start sending an approved update (UpdateNotAllowed says why it cannot start)."""
    update_sending_claim(update=update)
    logger.info("Update %s started by %s", update.pk, actor)
    from updates import tasks

    transaction.on_commit(lambda: tasks.update_send_task.delay(update.pk))


def update_recipients_queue(*, update: SupporterUpdate) -> int:
    """Add every signer who asked for news to the update's outbox, once; return how many."""
    signers = news_subscribers(petition=update.petition).order_by("pk").values_list("pk", flat=True)
    batch: list[UpdateRecipient] = []
    for signature_id in signers.iterator(chunk_size=QUEUE_CHUNK):
        batch.append(UpdateRecipient(update=update, signature_id=signature_id))
        if len(batch) == QUEUE_CHUNK:
            UpdateRecipient.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    UpdateRecipient.objects.bulk_create(batch, ignore_conflicts=True)
    return update.recipients.count()


def _claim(*, update: SupporterUpdate, limit: int) -> list[UpdateRecipient]:
    now = timezone.now()
    ids = due_rows_claim(
        update.recipients.filter(status=UpdateRecipient.Status.QUEUED).exclude(
            claimed_until__gt=now
        ),
        order_by="pk",
        limit=limit,
        claim={"claimed_until": now + timedelta(seconds=settings.UPDATE_CLAIM_SECONDS)},
    )
    return list(UpdateRecipient.objects.filter(pk__in=ids).order_by("pk"))


def _claim_renew(update: SupporterUpdate, recipient: UpdateRecipient) -> bool:
    """Hold one claimed row for its email, its Message-ID fixed; False if another sender took
    it since.

    A slow mail server can make a batch outlive its claim; beat then wakes a second sender,
    which may take the rest. Each email renews its own row's claim first, so only one of
    them sends it. The Message-ID is written in the same UPDATE before the first attempt and
    kept for every later one: an email sent again after a sender was killed between the
    server's acceptance and its record is one message to mail systems, which fold the copies.
    """
    renewed_until = timezone.now() + timedelta(seconds=settings.UPDATE_CLAIM_SECONDS)
    message_id = recipient.message_id or update_message_id_make(update=update)
    held = UpdateRecipient.objects.filter(
        pk=recipient.pk,
        status=UpdateRecipient.Status.QUEUED,
        claimed_until=recipient.claimed_until,
    ).update(claimed_until=renewed_until, message_id=message_id)
    recipient.claimed_until, recipient.message_id = renewed_until, message_id
    return bool(held)


def _send_one(texts: UpdateTexts, recipient: UpdateRecipient) -> None:
    update = texts.update
    signature = Signature.objects.filter(pk=recipient.signature_id).first()
    try:
        address = news_address_open(signature.news_address) if signature else ""
    except SecretBoxUnreadable:
        # Boxed under a NEWS_ADDRESS_KEY since changed: the signer must subscribe again.
        logger.warning(
            "Update %s skips recipient %s: its news address does not open.", update.pk, recipient.pk
        )
        recipient.status = UpdateRecipient.Status.SKIPPED
        recipient.error = "news address unreadable"
        recipient.save(update_fields=["status", "error"])
        return
    if not address:
        recipient.status = UpdateRecipient.Status.SKIPPED
        recipient.save(update_fields=["status"])
        return
    message = update_message_build(
        texts=texts, signature=signature, address=address, message_id=recipient.message_id
    )
    try:
        email_send(message)
    except Exception as error:
        failure = email_failure(error)
        if failure is None:
            raise
        _failure_record(recipient, failure)
        return
    recipient.status = UpdateRecipient.Status.SENT
    recipient.sent_at = timezone.now()
    recipient.message_id = (esp_message_id(message) or message.extra_headers["Message-ID"])[:200]
    recipient.save(update_fields=["status", "sent_at", "message_id"])


def _failure_record(recipient: UpdateRecipient, failure: SendFailure) -> None:
    """Record a refusal: for good, or until the next attempt after a backoff.

    A "try later" is tried again for UPDATE_EMAIL_RETRY_HOURS from the first attempt, as every
    other email is: a server down for an evening must not cost the signers their update.
    """
    now = timezone.now()
    recipient.attempts += 1
    recipient.error = failure.reason
    if recipient.retry_until is None:
        recipient.retry_until = now + timedelta(hours=settings.UPDATE_EMAIL_RETRY_HOURS)
    if failure.mailbox_refused:
        # A mailbox that no longer exists may be given to someone else: no news goes there.
        signature_news_stop(signature_id=recipient.signature_id)
    if failure.is_permanent or now >= recipient.retry_until:
        recipient.status = UpdateRecipient.Status.FAILED
    else:
        recipient.claimed_until = now + retry_delay(
            attempt=recipient.attempts,
            first_seconds=settings.UPDATE_EMAIL_RETRY_BACKOFF,
            longest_seconds=settings.UPDATE_EMAIL_RETRY_LONGEST,
        )
    recipient.save(update_fields=["status", "attempts", "error", "claimed_until", "retry_until"])


def update_batch_send(*, update_id: int) -> bool:
    """Send one batch of a sending update; return whether emails remain to be sent."""
    update = SupporterUpdate.objects.select_related("petition__campaign").get(pk=update_id)
    if update.status != SupporterUpdate.Status.SENDING:
        return False
    if not update.recipients.exists():
        update_recipients_queue(update=update)
    texts = UpdateTexts(update=update)
    for recipient in _claim(update=update, limit=settings.UPDATE_BATCH_SIZE):
        if _claim_renew(update, recipient):
            _send_one(texts, recipient)
    if update.recipients.filter(status=UpdateRecipient.Status.QUEUED).exists():
        return True
    SupporterUpdate.objects.filter(pk=update.pk, status=SupporterUpdate.Status.SENDING).update(
        status=SupporterUpdate.Status.SENT, finished_at=timezone.now()
    )
    return False


def update_progress(*, update: SupporterUpdate) -> dict[UpdateRecipient.Status, int]:
    """Return how many of the update's emails are in each state, every state named."""
    counts = dict(
        update.recipients.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in UpdateRecipient.Status}


def updates_sending_resume() -> list[int]:
    """Return the sending updates no sender holds: beat wakes a sender for each."""
    now = timezone.now()
    sending = SupporterUpdate.objects.filter(status=SupporterUpdate.Status.SENDING)
    return [
        update.pk
        for update in sending
        if not update.recipients.filter(
            status=UpdateRecipient.Status.QUEUED, claimed_until__gt=now
        ).exists()
    ]


def update_recipient_event_record(*, message_id: str, event_type: str) -> bool:
    """Record what the ESP says of an update's email; a bounce or complaint stops updates."""
    status = {
        "delivered": UpdateRecipient.Status.DELIVERED,
        "bounced": UpdateRecipient.Status.BOUNCED,
        "rejected": UpdateRecipient.Status.BOUNCED,
        "complained": UpdateRecipient.Status.COMPLAINED,
    }.get(event_type)
    recipient = (
        UpdateRecipient.objects.filter(message_id=message_id).first() if message_id else None
    )
    if status is None or recipient is None:
        return False
    UpdateRecipient.objects.filter(pk=recipient.pk).update(status=status)
    if status in (UpdateRecipient.Status.BOUNCED, UpdateRecipient.Status.COMPLAINED):
        signature_news_stop(signature_id=recipient.signature_id)
    return True


def update_recipients_forget_signers(*, signature_ids: list[int]) -> int:
    """Blank the refusals and Message-IDs of updates to these erased signers (erasure calls it)."""
    return email_outbox_forget(UpdateRecipient.objects.filter(signature_id__in=signature_ids))


def updates_sent_to(*, signature_ids: list[int]) -> list[SignerEmail]:
    """Return the updates sent to these signatures, worded in the active language, each by
    its subject as its signer got it (what the site holds about a person calls it:
    petitions/access_requests.py)."""
    recipients = (
        UpdateRecipient.objects.filter(signature_id__in=signature_ids, sent_at__isnull=False)
        .select_related("update")
        .annotate(signer_language=F("signature__language"))
    )
    return [
        SignerEmail(
            recipient.signature_id,
            recipient.sent_at,
            gettext("News from the campaign: “%(subject)s”")
            % {
                "subject": recipient.update.subject_in(
                    recipient.update.language_for(recipient.signer_language)
                )
            },
        )
        for recipient in recipients
        if recipient.sent_at is not None
    ]

"""The confirmation email. The signature row is its outbox.

Signing writes the row, and the row says an email is owed (not confirmed, not sent yet) and from
when (`confirmation_due_at`). Workers claim what is due from the database in small batches
(`SELECT ... FOR UPDATE SKIP LOCKED`, core/row_claims.py), send it and record it. A claim moves
the due time on by SIGNATURE_CONFIRMATION_CLAIM_SECONDS, so an email whose sender died is due
again after that; a transient refusal moves it on by a backoff, for hours; a permanent one is
recorded with the server's reason. Once the ESP has accepted a message `confirmation_sent_at` is
set, and nothing sends it again.

Signing publishes nothing per signature: at most one Celery message wakes a sender while a surge
goes on (petitions.confirmation_wake). Beat's sweep runs the same task every few seconds, so a
lost signal, a broker outage or a killed worker delays an email by seconds, never loses it.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone, translation

from core.database_retries import database_write_retry
from core.email_merge import EmailMerge
from core.email_sending import (
    EmailFailure,
    SendFailure,
    email_failure,
    email_message_of,
    email_send,
    esp_message_id,
    message_id_make,
    retry_delay,
    sender_named,
)
from core.prepared_statements import row_update
from core.row_claims import due_rows_claim
from core.served_languages import email_language
from petitions import selectors
from petitions.confirmation_wake import confirmation_senders_wake, helper_wake, wake_key_wait_out
from petitions.mailbox_caps import mailbox_daily_send_release, mailboxes_over_daily_cap
from petitions.models import Signature
from petitions.names import name_for_greeting
from petitions.news import signature_news_stop
from petitions.sealing import reminder_values_after_confirmation_email, signature_seal_values
from petitions.signature_links import confirmation_token_make, withdrawal_url_make

logger = logging.getLogger(__name__)

# Emails claimed at once by one sender: enough to spare round trips, few enough that every
# worker process shares a surge.
CLAIM_BATCH = 20
# A sender stops sending a batch this long before its claim ends.
CLAIM_MARGIN = timedelta(seconds=2)
# A sender hands over to a fresh task after this long, so that no task runs for ever.
SENDER_SECONDS = 60
# Addresses that take no more mail: nothing is sent to them again.
EMAIL_DEAD_STATUSES = [
    Signature.EmailStatus.BOUNCED,
    Signature.EmailStatus.REJECTED,
    Signature.EmailStatus.FAILED,
    Signature.EmailStatus.COMPLAINED,
]
# Emails not sent, and not to be sent unless the signer signs again: the daily cap of their
# mailbox was reached, they signed on paper (staff typed the sheet in), or the petition closed
# before the email went.
EMAIL_HELD_STATUSES = [
    *EMAIL_DEAD_STATUSES,
    Signature.EmailStatus.CAPPED,
    Signature.EmailStatus.NOT_EMAILED,
    Signature.EmailStatus.PETITION_CLOSED,
]
# Tracking events from the ESP's webhooks, and the email status each one leaves.
EMAIL_STATUS_BY_EVENT = {
    "delivered": Signature.EmailStatus.DELIVERED,
    "deferred": Signature.EmailStatus.DEFERRED,
    "bounced": Signature.EmailStatus.BOUNCED,
    "rejected": Signature.EmailStatus.REJECTED,
    "failed": Signature.EmailStatus.FAILED,
    "complained": Signature.EmailStatus.COMPLAINED,
}


def confirmation_email_queue() -> None:
    """Wake the senders once the transaction that made an email due commits."""
    transaction.on_commit(confirmation_senders_wake)


def signatures_owed_again() -> QuerySet[Signature]:
    """The signatures whose signer, by signing again, is owed their confirmation email again.

    Those awaiting confirmation whose email went at least
    SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS ago (or was held by its mailbox's daily cap: the
    signer asked for it once more), under SIGNATURE_CONFIRMATION_SEND_CAP emails, to an address
    that still takes mail. Signing writes OWED_AGAIN_FIELDS over them (petitions.signing).
    The time is the database's (signing's statement is compiled once, petitions.signing).
    """
    resend_after = timedelta(seconds=settings.SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS)
    return (
        Signature.objects.awaiting_confirmation()
        .filter(
            Q(confirmation_sent_at__lte=Now() - resend_after)
            | Q(email_status=Signature.EmailStatus.CAPPED),
            confirmation_send_count__lt=settings.SIGNATURE_CONFIRMATION_SEND_CAP,
        )
        .exclude(email_status__in=EMAIL_DEAD_STATUSES)
    )


# What signing again takes from the new signature into one owed its email again: the address
# just typed (a sealed signature holds its own only in the sealed copy, so it is in the clear
# again until the email has gone), a new Message-ID, and the email not yet sent nor tried.
# It is due at once, even when this attempt was over a rate limit: the signer was emailed
# before, and asks again because the email did not reach them.
OWED_AGAIN_FIELDS = (
    "email",
    "email_status",
    "confirmation_sent_at",
    "confirmation_attempts",
    "confirmation_message_id",
)


def confirmations_due(*, now) -> QuerySet[Signature]:
    """Confirmation emails owed, due now, and to an address that still takes mail."""
    return (
        Signature.objects.confirmation_owed()
        .filter(confirmation_due_at__lte=now)
        .exclude(email_status__in=EMAIL_HELD_STATUSES)
    )


def confirmations_claim(*, limit: int = CLAIM_BATCH) -> list[Signature]:
    """Claim up to `limit` due confirmation emails for this sender, the oldest first.

    Rows another sender is claiming at this moment are skipped, not waited for. The claim
    lasts SIGNATURE_CONFIRMATION_CLAIM_SECONDS: a sender that dies leaves its emails due again.
    """
    now = timezone.now()
    claimed = due_rows_claim(
        confirmations_due(now=now),
        order_by="confirmation_due_at",
        limit=limit,
        claim={
            "confirmation_due_at": now
            + timedelta(seconds=settings.SIGNATURE_CONFIRMATION_CLAIM_SECONDS)
        },
    )
    if not claimed:
        return []
    signatures = list(Signature.objects.filter(pk__in=claimed).order_by("confirmation_due_at"))
    for signature in signatures:
        # The petition from this worker's memory: no join per email.
        signature.petition = selectors.petition_by_id(petition_id=signature.petition_id)
    return signatures


def _absolute_url(*, language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _message_id_of(signature: Signature) -> str:
    """Return the Message-ID every attempt of this email carries, making it on the first."""
    if not signature.confirmation_message_id:
        signature.confirmation_message_id = message_id_make()
        Signature.objects.filter(pk=signature.pk).update(
            confirmation_message_id=signature.confirmation_message_id
        )
    return signature.confirmation_message_id


def _confirmation_message(*, signature: Signature, merge: EmailMerge) -> EmailMessage:
    # The one the email and its links are written in: French for a language switched off.
    language = email_language(person_language=signature.language)
    # What every signer of the petition shares, rendered once per batch (core.email_merge).
    shared = {
        "petition": signature.petition,
        "expiry_days": max(settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400, 1),
    }
    own = {
        "greeting_name": name_for_greeting(signature.first_name),
        "confirm_url": _absolute_url(
            language=language,
            name="petitions:confirm",
            token=confirmation_token_make(signature=signature),
        ),
        "withdraw_url": withdrawal_url_make(signature=signature, language=language),
    }
    texts = merge.texts(
        # The one reminder is the same email, owed again, with words of its own.
        template="petitions/email/reminder"
        if signature.reminded_at
        else "petitions/email/confirmation",
        context=shared,
        own=own,
        language=language,
        shared_key=signature.petition_id,
    )
    return email_message_of(
        texts=texts,
        from_email=sender_named(signature.petition.campaign.name_in(language)),
        to=[signature.email],
        headers={
            "Message-ID": _message_id_of(signature),
            "Auto-Submitted": "auto-generated",
        },
    )


def _sent_record(signature: Signature, message: EmailMessage) -> None:
    """Record that the ESP accepted the email, trying until this sender's claim ends."""
    # An anymail ESP gives its own id (its webhooks quote it); SMTP keeps our Message-ID.
    message_id = esp_message_id(message) or message.extra_headers["Message-ID"]
    sent_at = timezone.now()
    # The address is no longer needed once its email has gone: sealed in the same write,
    # with an encrypted copy kept for one reminder if the signer may still need it.
    sealed = signature_seal_values(signature)
    sealed.update(reminder_values_after_confirmation_email(signature, sent_at=sent_at))
    values = {
        "confirmation_sent_at": sent_at,
        "confirmation_send_count": F("confirmation_send_count") + 1,
        "email_message_id": message_id[:200],
        "email_status": Signature.EmailStatus.SENT,
        "email_error": "",
        **sealed,
    }
    # Compiled once and kept prepared: it runs for every email (core.prepared_statements).
    database_write_retry(
        lambda: row_update(Signature, pk=signature.pk, values=values),
        until=signature.confirmation_due_at,
    )


def _failure_record(signature: Signature, failure: SendFailure) -> None:
    """Record a refusal: for good, or until the next attempt after a backoff.

    Transient refusals are retried for SIGNATURE_EMAIL_RETRY_HOURS from when the email became
    owed (`confirmation_owed_at`), then recorded as failed.
    """
    now = timezone.now()
    row = Signature.objects.filter(pk=signature.pk)
    # Not from signing: a flagged signer approved, a signer signing again and the reminder are
    # owed days later, and counted from signing their first "try later" would be their last.
    retried_for = now - signature.confirmation_owed_at
    gave_up = retried_for > timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS)
    if failure.is_permanent or gave_up:
        logger.warning("Confirmation email of signature %s refused for good.", signature.pk)
        row.update(
            email_status=(
                Signature.EmailStatus.REJECTED
                if failure.is_permanent
                else Signature.EmailStatus.FAILED
            ),
            email_error=failure.reason,
            confirmation_attempts=F("confirmation_attempts") + 1,
            # Nothing will be sent to this address again: it need not stay readable.
            **signature_seal_values(signature),
        )
        if failure.mailbox_refused:
            # A mailbox that does not exist may be given to someone else, and no news can
            # reach a signer who never confirmed: the address kept for news goes too, as
            # when a notice or an update meets the same refusal.
            signature_news_stop(signature_id=signature.pk)
        return
    delay = retry_delay(
        attempt=signature.confirmation_attempts,
        first_seconds=settings.SIGNATURE_EMAIL_RETRY_BACKOFF,
        longest_seconds=settings.SIGNATURE_EMAIL_RETRY_LONGEST,
    )
    logger.info("Confirmation email of signature %s deferred by the server.", signature.pk)
    row.update(
        email_status=Signature.EmailStatus.DEFERRED,
        email_error=failure.reason,
        confirmation_attempts=F("confirmation_attempts") + 1,
        confirmation_due_at=now + delay,
    )


def _petition_closed_record(signature: Signature) -> None:
    """Give up an email whose petition stopped taking signatures: its link could only say so.

    The address is sealed, and the reminder's copy destroyed, as when the reminder sweep finds
    the petition closed (petitions/reminders.py).
    """
    Signature.objects.filter(pk=signature.pk).update(
        email_status=Signature.EmailStatus.PETITION_CLOSED, **signature_seal_values(signature)
    )


def _batch_send(signatures: list[Signature]) -> int:
    """Send a claimed batch, each email on its own; return how many the ESP accepted.

    A batch slowed down past its claim (a server slow to answer, the database away) stops
    there: the rest is due again for any sender, and none is sent twice.
    """
    # Checked here, from the petition in this worker's memory, not in the claim's query: the
    # claim runs constantly and stays on the outbox's index alone.
    still_open = []
    for signature in signatures:
        if signature.petition.is_open_for_signing():
            still_open.append(signature)
        else:
            _petition_closed_record(signature)
    if not still_open:
        return 0
    signatures = still_open
    over_cap = mailboxes_over_daily_cap(signatures)
    # The batch's emails rendered once per petition, language and kind; the petitions are
    # this batch's reading of them.
    merge = EmailMerge()
    sent = 0
    for position, signature in enumerate(signatures):
        if timezone.now() >= signature.confirmation_due_at - CLAIM_MARGIN:
            for unsent in signatures[position:]:
                if unsent.pk not in over_cap:
                    mailbox_daily_send_release(unsent)
            break
        if signature.pk in over_cap:
            Signature.objects.filter(pk=signature.pk).update(
                email_status=Signature.EmailStatus.CAPPED, **signature_seal_values(signature)
            )
            mailbox_daily_send_release(signature)
            continue
        try:
            message = _confirmation_message(signature=signature, merge=merge)
            email_send(message)
        except Exception as error:
            failure = email_failure(error)
            if failure is None:
                # Not the mail server's doing (a bug): retried later like a refusal, not lost.
                logger.exception("Confirmation email of signature %s not sent.", signature.pk)
                failure = SendFailure(EmailFailure.TRANSIENT, f"{type(error).__name__}")
            _failure_record(signature, failure)
            mailbox_daily_send_release(signature)
            continue
        _sent_record(signature, message)
        sent += 1
    return sent


def confirmations_send() -> int:
    """Send every confirmation email due, batch after batch; return how many were sent.

    Safe to run on several workers at once: each claims its own rows.
    """
    deadline = timezone.now() + timedelta(seconds=SENDER_SECONDS)
    sent = 0
    while timezone.now() < deadline:
        batch = confirmations_claim()
        if not batch:
            # One last look once the wake key is gone: an email that became due while it lived
            # is in it, and any later one wakes a sender of its own.
            wake_key_wait_out()
            batch = confirmations_claim()
            if not batch:
                return sent
        if len(batch) == CLAIM_BATCH:
            helper_wake()
        sent += _batch_send(batch)
    from petitions.tasks import confirmations_send_task

    confirmations_send_task.apply_async()
    return sent


def signature_email_status_record(*, message_id: str, event_type: str) -> int:
    """Record what the ESP reports about a confirmation email; return how many rows changed.

    A later "delivered" never hides an earlier bounce or complaint.
    """
    status = EMAIL_STATUS_BY_EVENT.get(event_type)
    if status is None or not message_id:
        return 0
    signatures = Signature.objects.filter(email_message_id=message_id)
    if status not in EMAIL_DEAD_STATUSES:
        signatures = signatures.exclude(email_status__in=EMAIL_DEAD_STATUSES)
    return signatures.update(email_status=status)

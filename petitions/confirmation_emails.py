"""The confirmation email: queued after signing, sent exactly once, its fate from the ESP.

Safe against every repeat: a claim (a conditional UPDATE) lets one sender through, and once the
ESP has accepted a message `confirmation_sent_at` is set and nothing sends it again. If the
broker cannot be reached when someone signs, the signature is saved all the same and beat's
sweep (`confirmations_owed_queue`) sends what is owed.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation

from core.email_sending import (
    EmailFailure,
    email_failure_kind,
    email_message_build,
    email_send,
    esp_message_id,
    message_id_make,
)
from petitions import selectors
from petitions.models import Signature
from petitions.signature_links import confirmation_token_make, withdrawal_token_make

logger = logging.getLogger(__name__)

# Publish to the broker once more on a fresh connection (Redis restarted), then give up at once:
# the signature is saved and the sweep sends its email.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# Addresses that take no more mail: nothing is sent to them again.
EMAIL_DEAD_STATUSES = [
    Signature.EmailStatus.BOUNCED,
    Signature.EmailStatus.REJECTED,
    Signature.EmailStatus.FAILED,
    Signature.EmailStatus.COMPLAINED,
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


def _publish(signature_id: int) -> None:
    from petitions.tasks import confirmation_email_send_task

    confirmation_email_send_task.apply_async(
        args=(signature_id,), retry=True, retry_policy=PUBLISH_RETRY_POLICY
    )


def confirmation_email_queue(*, signature_id: int) -> None:
    """Send the confirmation email once the transaction commits, by a worker if there is one.

    If the broker cannot be reached the signature is already saved: log it and let the sweep
    send what is owed once the broker is back.
    """

    def publish() -> None:
        try:
            _publish(signature_id)
        except Exception:
            logger.warning(
                "Confirmation email for signature %s not queued; the sweep will send it.",
                signature_id,
                exc_info=True,
            )

    transaction.on_commit(publish)


def confirmation_email_resend(*, signature: Signature) -> bool:
    """Owe a pending signer their confirmation email again, unless the cap is reached."""
    owed_again = (
        Signature.objects.awaiting_confirmation()
        .filter(
            pk=signature.pk,
            confirmation_sent_at__isnull=False,
            confirmation_send_count__lt=settings.SIGNATURE_CONFIRMATION_SEND_CAP,
        )
        .exclude(email_status__in=EMAIL_DEAD_STATUSES)
        .update(confirmation_sent_at=None)
    )
    if owed_again:
        confirmation_email_queue(signature_id=signature.pk)
    return bool(owed_again)


def _absolute_url(*, language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return settings.SITE_URL + reverse(name, kwargs=kwargs)


def _confirmation_message(*, signature: Signature) -> EmailMessage:
    language = signature.language
    context = {
        "signature": signature,
        "petition": signature.petition,
        "confirm_url": _absolute_url(
            language=language,
            name="petitions:confirm",
            token=confirmation_token_make(signature=signature),
        ),
        "withdraw_url": _absolute_url(
            language=language,
            name="petitions:withdraw",
            token=withdrawal_token_make(signature=signature),
        ),
        "expiry_days": max(settings.SIGNATURE_CONFIRMATION_MAX_AGE // 86400, 1),
        "site_url": settings.SITE_URL,
    }
    return email_message_build(
        template="petitions/email/confirmation",
        context=context,
        language=language,
        to=[signature.email],
        headers={"Message-ID": message_id_make(), "Auto-Submitted": "auto-generated"},
    )


def confirmations_claimable(*, now: datetime) -> QuerySet[Signature]:
    """Confirmation emails owed that no sender holds now and whose address still takes mail."""
    return (
        Signature.objects.confirmation_owed()
        .filter(Q(confirmation_claimed_until__isnull=True) | Q(confirmation_claimed_until__lt=now))
        .exclude(email_status__in=EMAIL_DEAD_STATUSES)
    )


# confirmations_claimable() for one signature, claimed and read in one statement: the worker's
# busiest query, in SQL so that it is one round trip with nothing to compile
# (tests/petitions/test_confirmation_emails.py holds it to the queryset).
CONFIRMATION_CLAIM_SQL = """
    UPDATE petitions_signature SET confirmation_claimed_until = %(claimed_until)s
    WHERE id = %(signature_id)s
        AND status IN (%(pending)s, %(flagged)s) AND confirmed_at IS NULL
        AND confirmation_sent_at IS NULL
        AND (confirmation_claimed_until IS NULL OR confirmation_claimed_until < %(now)s)
        AND email_status NOT IN (%(bounced)s, %(rejected)s, %(failed)s, %(complained)s)
    RETURNING *
"""
CONFIRMATION_CLAIM_PARAMS = {
    "pending": Signature.Status.PENDING.value,
    "flagged": Signature.Status.FLAGGED.value,
    **{status.value: status.value for status in EMAIL_DEAD_STATUSES},
}
# Recorded once the ESP accepted the message: never sent again. In SQL for the same reason.
CONFIRMATION_SENT_SQL = """
    UPDATE petitions_signature
    SET confirmation_sent_at = %(sent_at)s, confirmation_claimed_until = NULL,
        confirmation_send_count = confirmation_send_count + 1,
        email_message_id = %(message_id)s, email_status = %(sent)s
    WHERE id = %(signature_id)s
"""


def _confirmation_claim(*, signature_id: int) -> Signature | None:
    """Claim a signature's confirmation email for this sender; return it, or None if not owed.

    A claim lasts SIGNATURE_CONFIRMATION_CLAIM_SECONDS: a sender that died holding it leaves
    the email to the next one.
    """
    now = timezone.now()
    claimed = Signature.objects.raw(
        CONFIRMATION_CLAIM_SQL,
        {
            **CONFIRMATION_CLAIM_PARAMS,
            "claimed_until": now + timedelta(seconds=settings.SIGNATURE_CONFIRMATION_CLAIM_SECONDS),
            "signature_id": signature_id,
            "now": now,
        },
    )
    signature = next(iter(claimed), None)
    if signature is not None:
        # The petition from this worker's memory, as when signing: no join per email.
        signature.petition = selectors.petition_by_id(petition_id=signature.petition_id)
    return signature


def confirmation_email_send(*, signature_id: int) -> bool:
    """Send a signature's confirmation email if it is still owed; return whether this call did.

    Safe to run twice or at once on two workers. Transient failures are raised for the task to
    retry; a permanent one marks the address rejected.
    """
    signature = _confirmation_claim(signature_id=signature_id)
    if signature is None:
        return False
    message = _confirmation_message(signature=signature)
    claim = Signature.objects.filter(pk=signature_id)
    try:
        email_send(message)
    except BaseException as error:
        if email_failure_kind(error) is EmailFailure.PERMANENT:
            logger.warning("Confirmation email for signature %s refused.", signature_id)
            claim.update(
                confirmation_claimed_until=None, email_status=Signature.EmailStatus.REJECTED
            )
            return False
        claim.update(confirmation_claimed_until=None)
        raise
    # An anymail ESP gives its own id (its webhooks quote it); SMTP keeps our Message-ID.
    message_id = esp_message_id(message) or message.extra_headers["Message-ID"]
    with connection.cursor() as cursor:
        cursor.execute(
            CONFIRMATION_SENT_SQL,
            {
                "sent_at": timezone.now(),
                "message_id": message_id[:200],
                "sent": Signature.EmailStatus.SENT.value,
                "signature_id": signature_id,
            },
        )
    return True


def confirmations_owed_queue(*, limit: int = 500) -> int:
    """Queue every confirmation email still owed a while after signing; return how many."""
    now = timezone.now()
    owed = (
        confirmations_claimable(now=now)
        .filter(
            created_at__lt=now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_SWEEP_AFTER),
            created_at__gt=now - timedelta(seconds=settings.SIGNATURE_CONFIRMATION_MAX_AGE),
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    queued = 0
    for signature_id in owed:
        _publish(signature_id)
        queued += 1
    return queued


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

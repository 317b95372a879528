"""A fresh link to withdraw each signature, emailed to a mailbox that asks for it.

Every email to a signer carries a withdrawal link, and it expires after
SIGNATURE_WITHDRAW_LINK_MAX_AGE; a confirmed signer who asked for no news is sent nothing more.
So anyone may type an address on the site's form, and the page always answers the same ("if
this address signed, we have emailed it"): whether it signed is told only to its mailbox.

The request does the same whatever the address: counted against the client's rate limits
(WITHDRAWAL_LINK_REQUESTS_*), then written to PostgreSQL as a row that says an email is owed
(`WithdrawalLinkRequest`, its outbox), and a worker woken once it commits. The row holds the
address only in a secret box under SIGNER_MAILBOX_KEY (a copy of the database names no one),
the mailbox's keyed hash, the language asked in, when it is due and how many attempts it took.
One row per mailbox: several requests pending at once are one email.

Workers claim the rows due (`SELECT ... FOR UPDATE SKIP LOCKED`, core/row_claims.py), as the
confirmation emails' senders do, and beat's sweep runs the same task every minute: a lost
message, a broker outage, or a worker restarted while a server's "try later" waited, delays the
email, never loses it.
The worker looks up the mailbox's signatures and, only if it has some, sends one email listing
each petition with its fresh link, within the mailbox's daily cap of such emails
(WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY, petitions/mailbox_caps.py), which the
confirmation emails do not share. An address that signed nothing is never emailed: the form
must not be a way to mail strangers.

The row is deleted once the email has gone, been refused for good or held by the cap, or the
address is found to have signed nothing; a server's "later" leaves it due again after a
backoff, for SIGNATURE_EMAIL_RETRY_HOURS from the request, and no row outlives that.
"""

import base64
import enum
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.email_sending import (
    email_failure,
    email_message_build,
    email_send,
    message_id_make,
    retry_delay,
    sender_named,
)
from core.public_cache import cache_errors
from core.row_claims import due_rows_claim
from core.secret_boxes import SecretBoxUnreadable, box_close, box_open
from core.served_languages import email_language, language_is_served
from petitions import rate_limits, selectors
from petitions.mailbox_caps import (
    withdrawal_links_daily_send_give_back,
    withdrawal_links_daily_send_take,
)
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature, WithdrawalLinkRequest
from petitions.signature_links import withdrawal_url_make

logger = logging.getLogger(__name__)

# The secret box the address is kept in until the email has gone: a copy of the database
# names no one.
ADDRESS_BOX_PURPOSE = "withdrawal-links"
# Requests claimed at once by one sender.
CLAIM_BATCH = 10
# A sender stops this long before its claim ends, leaving the rest to the next one.
CLAIM_MARGIN = timedelta(seconds=5)
# A sender hands over to beat's next sweep after this long, so that no task runs for ever.
SENDER_SECONDS = 60


class WithdrawalLinksOutcome(enum.Enum):
    """What became of a request, as the worker's log may say it: never the address."""

    SENT = "sent"
    NO_SIGNATURE = "no signature"  # nothing is sent to an address that signed nothing
    CAPPED = "capped"  # the mailbox had its emails for the day
    REFUSED = "refused"  # the server refused it for good
    DEFERRED = "deferred"  # the server said "later": to be tried again


def _rate_limit_keys(*, ip_hash: str) -> list[tuple[str, int, int]]:
    """Each limit a request counts against: its cache key, hits allowed and window."""
    limits = []
    for name, allowed, seconds in (
        ("ip", settings.WITHDRAWAL_LINK_REQUESTS_PER_IP_HASH, settings.SIGNATURE_RATE_LIMIT_WINDOW),
        (
            "ip-burst",
            settings.WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH,
            settings.SIGNATURE_RATE_LIMIT_BURST_WINDOW,
        ),
    ):
        if ip_hash and allowed > 0:
            limits.append((f"petitions:rate:withdrawal-links:{name}:{ip_hash}", allowed, seconds))
    return limits


def _over_rate_limit(*, ip_hash: str) -> bool:
    limits = _rate_limit_keys(ip_hash=ip_hash)
    if not limits:
        return False
    try:
        counts = rate_limits.hits_count(
            [key for key, _allowed, _seconds in limits],
            window_seconds=[seconds for _key, _allowed, seconds in limits],
        )
    except cache_errors():
        # Redis is down: the mailbox's daily cap, kept in PostgreSQL, still holds.
        logger.warning("Withdrawal link request not rate limited: the cache is unreachable.")
        return False
    return any(count > allowed for count, (_key, allowed, _s) in zip(counts, limits, strict=True))


def address_box_close(email: str) -> bytes:
    """Return the address sealed for its request's row."""
    return box_close(email, key=settings.SIGNER_MAILBOX_KEY, purpose=ADDRESS_BOX_PURPOSE)


def address_box_open(sealed: bytes) -> str:
    return box_open(sealed, key=settings.SIGNER_MAILBOX_KEY, purpose=ADDRESS_BOX_PURPOSE)


def withdrawal_links_request(*, email: str, language: str, ip_hash: str) -> None:
    """Have a worker email `email` a fresh withdrawal link for each signature it gave.

    The same steps whatever the address, so that neither the answer nor its time tells
    whether it signed: over a rate limit nothing is recorded, and the caller answers the same.
    """
    if _over_rate_limit(ip_hash=ip_hash):
        logger.info("Withdrawal link request over the rate limit: nothing sent.")
        return
    withdrawal_link_request_record(email=email, language=language)


def withdrawal_link_request_record(*, email: str, language: str) -> None:
    """Record that `email` is owed its links, unless a request of its mailbox is pending;
    wake a sender once that commits."""
    now = timezone.now()
    # A request of the same mailbox still pending stands for this one: one email for both.
    WithdrawalLinkRequest.objects.bulk_create(
        [
            WithdrawalLinkRequest(
                mailbox_hash=mailbox_hash(email),
                address_box=address_box_close(email),
                language=language,
                requested_at=now,
                due_at=now,
                message_id=message_id_make(),
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(_sender_wake)


def _sender_wake() -> None:
    from petitions.tasks import withdrawal_links_email_task

    try:
        withdrawal_links_email_task.apply_async(retry=False)
    except Exception as error:
        # The broker is away (or, in one process under `make run`, the task failed): the
        # request is in the database, and beat's sweep sends it. Its kind only: an error's
        # message may quote the address.
        logger.warning(
            "Withdrawal links task failed or was not queued (%s): the sweep will send them.",
            type(error).__name__,
        )


def legacy_message_record(*, sealed_address: str, language: str) -> None:
    """Record a request that an earlier release carried in the task's message (base64 text)."""
    withdrawal_link_request_record(
        email=address_box_open(base64.b64decode(sealed_address)), language=language
    )


def _language_of(signatures: list[Signature], *, asked_in: str) -> str:
    """The language the signer chose when they last signed, else the request's, as long as
    the site serves it (core/served_languages.py).

    The request may come from anyone; the signature's language is the signer's own choice.
    """
    for signature in signatures:
        if language_is_served(signature.language):
            return signature.language
    return email_language(person_language=asked_in)


def _links_message(
    *, email: str, signatures: list[Signature], language: str, message_id: str
) -> EmailMessage:
    petitions = [
        selectors.petition_by_id(petition_id=signature.petition_id) for signature in signatures
    ]
    links = [
        {"petition": petition, "url": withdrawal_url_make(signature=signature, language=language)}
        for petition, signature in zip(petitions, signatures, strict=True)
    ]
    # The campaign of the latest signature signs the email.
    campaign = petitions[0].campaign
    return email_message_build(
        template="petitions/email/withdrawal_links",
        context={
            "links": links,
            "expiry_days": max(settings.SIGNATURE_WITHDRAW_LINK_MAX_AGE // 86400, 1),
        },
        language=language,
        from_email=sender_named(campaign.name_in(language)),
        to=[email],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )


def withdrawal_links_send(
    *, email: str, language: str, message_id: str | None = None
) -> WithdrawalLinksOutcome:
    """Email `email` a fresh withdrawal link for each of its signatures, if it has any.

    A transient refusal gives back the email's place in the mailbox's daily count, and is
    the caller's to try again (`withdrawal_links_retry_delay`); a permanent one is logged
    with the server's reason, its addresses redacted.
    """
    signatures = list(
        selectors.signatures_of_person(mailbox_hash=mailbox_hash(email)).order_by(
            "-created_at", "pk"
        )
    )
    if not signatures:
        return WithdrawalLinksOutcome.NO_SIGNATURE
    if not withdrawal_links_daily_send_take(email=email):
        logger.info("Withdrawal links not sent: the mailbox had its emails of links for the day.")
        return WithdrawalLinksOutcome.CAPPED
    try:
        message = _links_message(
            email=email,
            signatures=signatures,
            language=_language_of(signatures, asked_in=language),
            message_id=message_id or message_id_make(),
        )
        email_send(message)
    except Exception as error:
        withdrawal_links_daily_send_give_back(email=email)
        failure = email_failure(error)
        if failure is None:
            raise  # a bug, not the mail server's doing
        if failure.is_permanent:
            logger.warning("Withdrawal links email refused for good: %s", failure.reason)
            return WithdrawalLinksOutcome.REFUSED
        logger.info("Withdrawal links email deferred by the server: %s", failure.reason)
        return WithdrawalLinksOutcome.DEFERRED
    return WithdrawalLinksOutcome.SENT


def withdrawal_links_retry_delay(*, attempt: int, requested_at: datetime) -> timedelta | None:
    """Return how long to wait before trying a deferred email again, or None to give up.

    The confirmations' backoff, for as long as they are retried
    (SIGNATURE_EMAIL_RETRY_HOURS from the request).
    """
    if timezone.now() - requested_at > timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS):
        return None
    return retry_delay(
        attempt=attempt,
        first_seconds=settings.SIGNATURE_EMAIL_RETRY_BACKOFF,
        longest_seconds=settings.SIGNATURE_EMAIL_RETRY_LONGEST,
    )


def withdrawal_link_requests_expire() -> int:
    """Delete the requests older than SIGNATURE_EMAIL_RETRY_HOURS: their email is given up.

    No request lingers, whatever became of its sender; return how many were deleted.
    """
    oldest_kept = timezone.now() - timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS)
    return WithdrawalLinkRequest.objects.filter(requested_at__lt=oldest_kept).delete()[0]


def withdrawal_link_requests_claim(*, limit: int = CLAIM_BATCH) -> list[WithdrawalLinkRequest]:
    """Claim up to `limit` requests due for this sender, the oldest first.

    Rows another sender is claiming at this moment are skipped, not waited for. The claim
    lasts WITHDRAWAL_LINK_CLAIM_SECONDS: a sender that dies leaves its requests due again.
    """
    now = timezone.now()
    claimed = due_rows_claim(
        WithdrawalLinkRequest.objects.filter(due_at__lte=now),
        order_by="due_at",
        limit=limit,
        claim={"due_at": now + timedelta(seconds=settings.WITHDRAWAL_LINK_CLAIM_SECONDS)},
    )
    if not claimed:
        return []
    return list(WithdrawalLinkRequest.objects.filter(pk__in=claimed).order_by("requested_at"))


def _request_answer(request: WithdrawalLinkRequest) -> WithdrawalLinksOutcome:
    """Send a claimed request's email; delete the row unless the server said "later"."""
    row = WithdrawalLinkRequest.objects.filter(pk=request.pk)
    try:
        email = address_box_open(request.address_box)
    except SecretBoxUnreadable:
        logger.warning(
            "Withdrawal link request %s dropped: its address does not open with"
            " SIGNER_MAILBOX_KEY.",
            request.pk,
        )
        row.delete()
        return WithdrawalLinksOutcome.REFUSED
    try:
        outcome = withdrawal_links_send(
            email=email, language=request.language, message_id=request.message_id
        )
    except Exception:
        # Not the mail server's doing (a bug): tried again later like a "later", not lost.
        logger.exception("Withdrawal links email of request %s not sent.", request.pk)
        outcome = WithdrawalLinksOutcome.DEFERRED
    if outcome is WithdrawalLinksOutcome.DEFERRED:
        delay = withdrawal_links_retry_delay(
            attempt=request.attempts, requested_at=request.requested_at
        )
        if delay is not None:
            row.update(attempts=F("attempts") + 1, due_at=timezone.now() + delay)
            return outcome
        logger.warning("Withdrawal links email given up after the server's refusals.")
    row.delete()
    return outcome


def withdrawal_links_send_due() -> int:
    """Answer every request due, batch after batch; return how many emails went.

    Safe to run on several workers at once: each claims its own rows. What is left when
    SENDER_SECONDS are up is beat's next sweep's.
    """
    withdrawal_link_requests_expire()
    deadline = timezone.now() + timedelta(seconds=SENDER_SECONDS)
    sent = 0
    while timezone.now() < deadline:
        batch = withdrawal_link_requests_claim()
        if not batch:
            break
        for request in batch:
            if timezone.now() >= request.due_at - CLAIM_MARGIN:
                return sent  # the claim is ending: the rest is due again for any sender
            outcome = _request_answer(request)
            sent += outcome is WithdrawalLinksOutcome.SENT
    return sent

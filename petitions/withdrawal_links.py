"""A fresh link to withdraw each signature, emailed to a mailbox that asks for it.

Every email to a signer carries a withdrawal link, and it expires after
SIGNATURE_WITHDRAW_LINK_MAX_AGE; a confirmed signer who asked for no news is sent nothing more.
So anyone may type an address on the site's form, and the page always answers the same ("if
this address signed, we have emailed it"): whether it signed is told only to its mailbox.

The request does the same whatever the address: counted against the client's rate limits, then
queued. The worker looks up the mailbox's signatures and, only if it has some, sends it one
email listing each petition with its fresh link, within the mailbox's daily cap of emails
(petitions/mailbox_caps.py). An address that signed nothing is never emailed: the form must
not be a way to mail strangers.

The address is not stored: it travels in the task's message, in a secret box, and is
forgotten once the email has gone.
"""

import base64
import enum
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
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
from core.secret_boxes import box_close, box_open
from core.served_languages import email_language, language_is_served
from petitions import rate_limits, selectors
from petitions.mailbox_caps import mailbox_daily_send_give_back, mailbox_daily_send_take
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from petitions.signature_links import withdrawal_url_make

logger = logging.getLogger(__name__)

# The secret box the address travels in through the broker: a copy of Redis names no one.
ADDRESS_BOX_PURPOSE = "withdrawal-links"


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


def address_box_close(email: str) -> str:
    """Return the address sealed for the task's message (JSON carries text)."""
    sealed = box_close(email, key=settings.SIGNER_MAILBOX_KEY, purpose=ADDRESS_BOX_PURPOSE)
    return base64.b64encode(sealed).decode("ascii")


def address_box_open(sealed: str) -> str:
    return box_open(
        base64.b64decode(sealed), key=settings.SIGNER_MAILBOX_KEY, purpose=ADDRESS_BOX_PURPOSE
    )


def withdrawal_links_request(*, email: str, language: str, ip_hash: str) -> None:
    """Have a worker email `email` a fresh withdrawal link for each signature it gave.

    The same steps whatever the address, so that neither the answer nor its time tells
    whether it signed: over a rate limit nothing is queued, and the caller answers the same.
    """
    if _over_rate_limit(ip_hash=ip_hash):
        logger.info("Withdrawal link request over the rate limit: nothing sent.")
        return
    from petitions.tasks import withdrawal_links_email_task

    try:
        withdrawal_links_email_task.apply_async(
            # The address sealed: the broker's queue, and a worker's log of its arguments,
            # hold only what the site's key opens.
            args=(address_box_close(email), language, timezone.now().isoformat()),
            retry=False,
        )
    except Exception as error:
        # The broker is away (or, in one process under `make run`, the task failed): the
        # visitor is answered the same, and may ask again. Its kind only: an error's message
        # may quote the address.
        logger.warning(
            "Withdrawal links not sent: the task failed or was not queued (%s).",
            type(error).__name__,
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


def _links_message(*, email: str, signatures: list[Signature], language: str) -> EmailMessage:
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
        headers={"Message-ID": message_id_make(), "Auto-Submitted": "auto-generated"},
    )


def withdrawal_links_send(*, email: str, language: str) -> WithdrawalLinksOutcome:
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
    if not mailbox_daily_send_take(email=email):
        logger.info("Withdrawal links not sent: the mailbox had its emails for the day.")
        return WithdrawalLinksOutcome.CAPPED
    try:
        message = _links_message(
            email=email,
            signatures=signatures,
            language=_language_of(signatures, asked_in=language),
        )
        email_send(message)
    except Exception as error:
        mailbox_daily_send_give_back(email=email)
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

"""The one way the site sends email, and the one taxonomy of how sending fails.

Confirmations and deliveries (and any later mail) send through `email_send` and sort what it
raises with `email_failure`: a transient failure is retried later with `retry_delay`, for
hours; a permanent one is recorded with the server's reason (never the addresses it quotes)
and never retried.

Each worker thread keeps one open connection to the ESP (or SMTP server), reused from task to
task: opening one per message (Django's default) costs a TCP and TLS handshake and an SMTP
greeting, or a new HTTP session with an ESP, for each message.
"""

import contextlib
import enum
import functools
import logging
import random
import re
import smtplib
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from email.headerregistry import Address
from email.utils import make_msgid, parseaddr

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

_local = threading.local()
logger = logging.getLogger(__name__)


class EmailFailure(enum.Enum):
    TRANSIENT = "transient"  # the server is down, slow or says "later": try again, for hours
    PERMANENT = "permanent"  # this recipient or message would be refused again: never retry


@dataclass(frozen=True)
class SendFailure:
    """Why a message was not sent, and whether trying again may help."""

    kind: EmailFailure
    reason: str
    # The recipient's mailbox itself was refused for good (unknown, disabled, not an address),
    # not the message: a list that writes to it again should stop, as after a bounce.
    mailbox_refused: bool = False

    @property
    def is_permanent(self) -> bool:
        return self.kind is EmailFailure.PERMANENT


# What anymail raises when the ESP rejected the recipient or the address is not one.
ANYMAIL_PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
)
# Everything else a send can raise when the ESP or the network fails: worth another try.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    AnymailAPIError,
    smtplib.SMTPException,
    OSError,
)
REASON_LENGTH = 300

# What stands in a stored reason for each address the server quoted.
ADDRESS_PLACEHOLDER = "<address>"
# An address as mail servers quote it: a local part (a quoted string, which may hold spaces
# and "@", or a run of anything but spaces and delimiters, so that accented and other scripts'
# local parts count) then "@" then a domain (a literal such as [192.0.2.1], or a name in any
# script, not ending in the full stop of the sentence around it).
_ADDRESS = r"""
    (?: "(?:[^"\\\r\n]|\\.)*" | [^\s<>()\[\]@,;:"\\]+ )
    @
    (?: \[[^\]\s]*\] | [^\s<>()\[\]@,;:"'\\]*[^\s<>()\[\]@,;:"'\\.] )
"""
_ADDRESS_IN_BRACKETS = re.compile(rf"<\s*{_ADDRESS}\s*>", re.VERBOSE)
_ADDRESS_BARE = re.compile(_ADDRESS, re.VERBOSE)


def addresses_redacted(text: str) -> str:
    """Return `text` with every email address in it replaced by ADDRESS_PLACEHOLDER.

    A refusal ("550 5.1.1 <someone@example.org>: User unknown") is stored on the signer's row
    and outlives the address itself, which sealing and erasure take away: the reason must not
    name anyone. An address in angle brackets is replaced with its brackets.
    """
    text = _ADDRESS_IN_BRACKETS.sub(ADDRESS_PLACEHOLDER, text)
    return _ADDRESS_BARE.sub(ADDRESS_PLACEHOLDER, text)


def _failure_reason(text: str) -> str:
    # Redacted before it is cut: a cut address could no longer be recognised as one.
    return addresses_redacted(text)[:REASON_LENGTH]


def email_refusals_redact(rows: QuerySet, *, field: str = "error") -> int:
    """Redact the addresses in refusals stored before email_failure redacted them; return
    how many rows changed (the data migrations of the apps that store refusals call it)."""
    changed = []
    for row in rows.filter(**{f"{field}__contains": "@"}).only("pk", field).iterator():
        redacted = addresses_redacted(getattr(row, field))
        if redacted != getattr(row, field):
            setattr(row, field, redacted)
            changed.append(row)
    rows.model.objects.bulk_update(changed, [field], batch_size=1000)
    return len(changed)


def email_outbox_forget(outbox: QuerySet) -> int:
    """Blank what these outbox rows still tie to their recipient; return how many changed.

    For erasure: a refusal (`error`) stored before addresses were redacted from it may still
    quote the erased signer's address, and the Message-ID names one email to them, which the
    ESP's logs and their own mailbox can match.
    """
    return outbox.exclude(error="", message_id="").update(error="", message_id="")


# RFC 3463's status codes that say the recipient's mailbox itself is gone or no address:
# 5.1.x about the destination (5.1.7 and 5.1.8 are about our sender) and 5.2.1 (disabled).
# Anything else (5.7.1 "relaying denied", a policy or a blocklist) is about this site or the
# message, and would otherwise make every recipient of a list forget their address at once.
_MAILBOX_GONE = re.compile(r"5\.(1\.(?![78]\b)\d{1,3}|2\.1)\b")


def _mailbox_gone(code: int, message: bytes | str) -> bool:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return code >= 500 and _MAILBOX_GONE.match(text.lstrip()) is not None


def _reply_text(code: int, message: bytes | str) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    return f"{code} {' '.join(text.split())}"


def email_failure(error: BaseException) -> SendFailure | None:
    """Sort what sending raised: transient or permanent, with the server's reason (its
    addresses replaced by a placeholder).

    SMTP says which: a 4xx reply (greylisting, a full mailbox, "try later") is transient, a 5xx
    refusal of the recipient or the message is permanent. A 5xx to our own greeting, sender or
    login is about this site's configuration, not the recipient: transient, so that it is
    retried while an operator mends it. anymail's rejected and invalid recipients are
    permanent; its other errors (the ESP down, a rate limit) transient. Return None for what
    is not a sending failure (a bug), which the caller lets propagate.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = [_reply_text(code, message) for code, message in error.recipients.values()]
        permanent = all(code >= 500 for code, _message in error.recipients.values())
        kind = EmailFailure.PERMANENT if permanent else EmailFailure.TRANSIENT
        gone = all(_mailbox_gone(code, message) for code, message in error.recipients.values())
        return SendFailure(kind, _failure_reason("; ".join(replies)), mailbox_refused=gone)
    if isinstance(error, smtplib.SMTPDataError):
        kind = EmailFailure.PERMANENT if error.smtp_code >= 500 else EmailFailure.TRANSIENT
        return SendFailure(kind, _failure_reason(_reply_text(error.smtp_code, error.smtp_error)))
    if isinstance(error, ANYMAIL_PERMANENT_ERRORS):
        return SendFailure(
            EmailFailure.PERMANENT, _failure_reason(str(error)), mailbox_refused=True
        )
    if isinstance(error, smtplib.SMTPResponseException):
        reason = _failure_reason(_reply_text(error.smtp_code, error.smtp_error))
        _operator_warn(reason)
        return SendFailure(EmailFailure.TRANSIENT, reason)
    if isinstance(error, TRANSIENT_ERRORS):
        reason = _failure_reason(f"{type(error).__name__}: {error}")
        _operator_warn(reason)
        return SendFailure(EmailFailure.TRANSIENT, reason)
    return None


# An unreachable server warns at most this often per process: an outage fails every email.
OPERATOR_WARNING_SECONDS = 60.0
_operator_warned_at: list[float] = []


def _operator_warn(reason: str) -> None:
    """Warn the operator that mail cannot leave: the server is unreachable, or refuses this
    site's greeting, sender or login. A recipient's refusal is the recipient's, logged where
    it is recorded; this one needs someone to mend it, so it is a WARNING, not an INFO."""
    now = time.monotonic()
    if _operator_warned_at and now - _operator_warned_at[-1] < OPERATOR_WARNING_SECONDS:
        return
    _operator_warned_at[:] = [now]
    logger.warning("Email cannot be sent; it will be tried again: %s", reason)


def retry_delay(*, attempt: int, first_seconds: float, longest_seconds: float) -> timedelta:
    """Return how long to wait before attempt number `attempt + 1`, with full jitter.

    The delay doubles from `first_seconds` up to `longest_seconds`; each is drawn at random
    between half and all of it, so that a server that refused many messages at once (a
    greylist, a restart) is not asked again by all of them in the same second.
    """
    ceiling = min(first_seconds * 2 ** min(attempt, 30), longest_seconds)
    return timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311 - not a secret


@functools.lru_cache(maxsize=4)
def _address_of(from_email: str) -> str:
    """The bare address of a From value, parsed once: parsing took a signature about 10 µs."""
    return parseaddr(from_email)[1]


def message_id_make(*, idstring: str | None = None) -> str:
    """Return a new Message-ID in the domain of DEFAULT_FROM_EMAIL."""
    domain = _address_of(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or None
    return make_msgid(idstring=idstring, domain=domain)


def sender_named(name: str) -> str:
    """Return DEFAULT_FROM_EMAIL's address under the display name `name` (quoted if it must be).

    Signers see the campaign's name in their own language; the address stays the one the
    operator set up with the mail server (SPF, DKIM).
    """
    return _sender_named(name, settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=64)
def _sender_named(name: str, default_from: str) -> str:
    # Written once per name and address: a worker wrote it for every email it sent, about a
    # twentieth of what an email cost it.
    address = _address_of(default_from)
    if not name or not address:
        return default_from
    return str(Address(display_name=name, addr_spec=address))


def subject_one_line(text: str) -> str:
    """Join a rendered subject's lines, keeping no-break spaces (French puts one before ":")."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


@dataclass(frozen=True)
class EmailTexts:
    """An email's words: its subject, its plain text, and its HTML (None for plain text only)."""

    subject: str
    text: str
    html: str | None


def email_texts_render(
    *, template: str, context: dict, language: str, html: bool = True
) -> EmailTexts:
    """Render `<template>_subject.txt`, `<template>.txt` and `<template>.html` in `language`,
    whatever the language of the caller."""
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context) if html else None
    return EmailTexts(subject=subject_one_line(subject), text=text, html=html_body)


def email_message_of(
    *, texts: EmailTexts, to: list[str], headers: dict[str, str], from_email: str | None = None
) -> EmailMultiAlternatives:
    """Return the message of these words. Without `from_email`, it comes from
    DEFAULT_FROM_EMAIL."""
    message = EmailMultiAlternatives(
        subject=texts.subject, body=texts.text, from_email=from_email, to=to, headers=headers
    )
    if texts.html is not None:
        message.attach_alternative(texts.html, "text/html")
    return message


def email_message_build(
    *,
    template: str,
    context: dict,
    language: str,
    to: list[str],
    headers: dict[str, str],
    html: bool = True,
    from_email: str | None = None,
) -> EmailMultiAlternatives:
    """Render an email from its templates (`email_texts_render`) and return its message."""
    texts = email_texts_render(template=template, context=context, language=language, html=html)
    return email_message_of(texts=texts, to=to, headers=headers, from_email=from_email)


def esp_message_id(message: EmailMessage) -> str | None:
    """Return the id an anymail ESP gave the message it accepted (its webhooks quote it)."""
    status = getattr(message, "anymail_status", None)
    return None if status is None or status.message_id is None else str(status.message_id)


def _connection():
    """Return this thread's open connection for the current EMAIL_BACKEND."""
    cached = getattr(_local, "connection", None)
    if cached is not None and _local.backend == settings.EMAIL_BACKEND:
        return cached
    connection_close()
    connection = get_connection()
    connection.open()
    _local.connection, _local.backend = connection, settings.EMAIL_BACKEND
    return connection


def connection_close() -> None:
    """Close this thread's connection, if it has one (after an error, it may be broken)."""
    connection = getattr(_local, "connection", None)
    _local.connection = None
    if connection is not None:
        # It is being thrown away: a broken connection may fail to close, and that is fine.
        with contextlib.suppress(Exception):
            connection.close()


def email_send(message: EmailMessage) -> None:
    """Send `message` on this thread's connection, opened once and kept for the next messages.

    An SMTP server may close a connection left idle between tasks: then, and only then, the
    message goes once more on a fresh connection. Any other error is the caller's to sort
    with `email_failure`.
    """
    reused = getattr(_local, "connection", None) is not None
    message.connection = _connection()
    try:
        message.send()
    except smtplib.SMTPServerDisconnected:
        connection_close()
        if not reused:
            raise
        message.connection = _connection()
        message.send()
    except BaseException:
        connection_close()
        raise

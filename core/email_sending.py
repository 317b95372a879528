"""The one way the site sends email, and the one taxonomy of how sending fails.

Confirmations and deliveries (and any later mail) send through `email_send` and sort what it
raises with `email_failure_kind`: a transient failure is retried later, a permanent one is
recorded and never retried.

Each worker thread keeps one open connection to the ESP (or SMTP server), reused from task to
task: opening one per message (Django's default) costs a TCP and TLS handshake and an SMTP
greeting, or a new HTTP session with an ESP, for each message.
"""

import contextlib
import enum
import smtplib
import threading
from email.utils import make_msgid, parseaddr

from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

_local = threading.local()


class EmailFailure(enum.Enum):
    TRANSIENT = "transient"  # the ESP is down or refuses for now: try again later
    PERMANENT = "permanent"  # would fail the same way again: record it, never retry


# A refused recipient or an invalid address would be refused again.
PERMANENT_ERRORS: tuple[type[BaseException], ...] = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
    smtplib.SMTPRecipientsRefused,
)
# An ESP or SMTP server that is down, slow or refusing for now.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    AnymailAPIError,
    smtplib.SMTPException,
    OSError,
)


def email_failure_kind(error: BaseException) -> EmailFailure | None:
    """Return whether sending failed for now or for good; None if `error` is not a send failure."""
    if isinstance(error, PERMANENT_ERRORS):
        return EmailFailure.PERMANENT
    if isinstance(error, TRANSIENT_ERRORS):
        return EmailFailure.TRANSIENT
    return None


def message_id_make(*, idstring: str | None = None) -> str:
    """Return a new Message-ID in the domain of DEFAULT_FROM_EMAIL."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or None
    return make_msgid(idstring=idstring, domain=domain)


def email_message_build(
    *,
    template: str,
    context: dict,
    language: str,
    to: list[str],
    headers: dict[str, str],
    html: bool = True,
) -> EmailMultiAlternatives:
    """Render an email from `<template>_subject.txt`, `<template>.txt` and `<template>.html`.

    Everything is rendered in `language`, whatever the language of the caller.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        text = render_to_string(f"{template}.txt", context)
        html_body = render_to_string(f"{template}.html", context) if html else None
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=text, to=to, headers=headers
    )
    if html_body is not None:
        message.attach_alternative(html_body, "text/html")
    return message


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
    with `email_failure_kind`.
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

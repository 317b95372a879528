"""One open connection to the ESP (or SMTP server) per worker thread, reused from task to task.

Opening a connection for every message (Django's default) costs a TCP and TLS handshake and an
SMTP greeting, or a new HTTP session with an ESP, for each signer: most of a small email's cost.
"""

import contextlib
import smtplib
import threading

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

_local = threading.local()


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
    message goes once more on a fresh connection. Any other error is the caller's to handle.
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

"""No secret link in a log: the tokens of emailed and download links are cut out of every record.

Nor a signer's address: the development server (`make run`) logs each request line with its
query string, where a data officer's search for a signer by address travels.

Whoever holds a withdrawal link can erase a signature; a confirmation link confirms one; an
export link downloads a list of signers. Their tokens travel in URL paths, and Django logs
paths (a refused CSRF check, a 404, a slow request), as gunicorn and Celery may. So the record
factory of every process that loads Django redacts them before any handler sees the record,
whichever logger made it and whichever handlers are attached (Celery replaces the root's).
"""

import logging
import re
import traceback

# The path segments that a secret token follows in the site's URLs. A path is logged as it was
# asked for: in any case, its slashes doubled or percent-encoded, with a dot segment or a space
# before the token ("/confirm//<token>/", "/confirm/./<token>/", "/confirm/%20<token>/").
SECRET_LINK_SEGMENTS = ("confirm", "withdraw", "exports", "unsubscribe")
_SLASH = r"(?:/|%2f)"
_LEAD_IN = r"(?:/|%2f|\./|\.%2f|\s|%20)"
SECRET_IN_PATH = re.compile(
    rf"({_SLASH}(?:{'|'.join(SECRET_LINK_SEGMENTS)}){_SLASH}{_LEAD_IN}*)"
    r"(?:(?!%2f)[^/\s\"'<>?#])+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"
# A query string's value holding an address, its "@" as typed or percent-encoded.
ADDRESS_IN_QUERY = re.compile(r"([?&][^=&\s\"'#]*=)[^&\s\"'#]*(?:@|%40)[^&\s\"'#]*", re.IGNORECASE)


def secrets_redact(text: str) -> str:
    """Return `text` with secret links' tokens and queried addresses replaced by [redacted]."""
    text = ADDRESS_IN_QUERY.sub(rf"\g<1>{REDACTED}", text)
    return SECRET_IN_PATH.sub(rf"\g<1>{REDACTED}", text)


def _record_redact(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed record: leave it to logging's own error reporting
        return record
    record.msg, record.args = secrets_redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = secrets_redact(record.exc_text)
    if record.stack_info:
        record.stack_info = secrets_redact(record.stack_info)
    return record


def log_redaction_install() -> None:
    """Make every log record of this process pass through the redaction (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_secret_links", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        return _record_redact(current(*args, **kwargs))

    factory.redacts_secret_links = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)

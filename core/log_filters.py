"""Filters the site's log handlers apply to what other code logs."""

import logging


class ClientFaultsInOneLine(logging.Filter):
    """Log a request Django refused as suspicious in one line, as the client's fault it is.

    Django logs each refusal (a Host the site does not serve, a form with too many fields)
    at ERROR with the traceback of its own middleware. A scanner that reaches gunicorn
    directly made forty lines of each probe, and an operator's alert on errors, of a 400.
    The message says what was refused; like Django's other 4xx, it is a warning.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        return True

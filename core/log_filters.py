"""Filters the site's log handlers apply to what other code logs."""

import logging


class ClientFaultsInOneLine(logging.Filter):
    """Log a request Django refused as the client's fault in one line, as a warning.

    Django logs each refusal as suspicious (a Host the site does not serve, a form with too
    many fields) at ERROR with the traceback of its own middleware. A scanner that reaches
    gunicorn directly made forty lines of each probe, and an operator's alert on errors, of a
    400. A staff member refused a page their role does not open (a 403) came with 25 lines of
    traceback too, read in the log as a server error. The message says what was refused; like
    Django's other 4xx, it is a warning; only a 5xx keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("django.security.") and record.levelno > logging.WARNING:
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        elif record.name == "django.request" and getattr(record, "status_code", 500) < 500:
            record.exc_info = record.exc_text = None
        return True

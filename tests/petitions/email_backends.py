"""Email backends that behave like a failing ESP, for the task and worker tests.

A Celery worker started by the tests loads them through the EMAIL_BACKEND variable, so the
attempts are counted in Redis, where both the worker and the test can see them.
"""

import os

import redis
from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend

ATTEMPTS_KEY = "tests:petitions:email-attempts:{address}"


def email_attempts(address: str) -> int:
    """Return how many times a message to `address` was handed to the flaky ESP."""
    return int(_redis().get(ATTEMPTS_KEY.format(address=address)) or 0)


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL)


class FlakyEmailBackend(BaseEmailBackend):
    """Fail the first FLAKY_EMAIL_FAILURES sends to each address, then really send.

    The real sending is FLAKY_EMAIL_INNER_BACKEND's (Django's locmem backend by default).
    """

    def send_messages(self, email_messages) -> int:
        failures = int(os.environ.get("FLAKY_EMAIL_FAILURES", "3"))
        for message in email_messages:
            attempts = _redis().incr(ATTEMPTS_KEY.format(address=message.to[0]))
            if attempts <= failures:
                raise AnymailAPIError(f"The ESP is unavailable (simulated failure {attempts}).")
        inner = get_connection(
            os.environ.get(
                "FLAKY_EMAIL_INNER_BACKEND", "django.core.mail.backends.locmem.EmailBackend"
            ),
            fail_silently=self.fail_silently,
        )
        return inner.send_messages(email_messages)


class RefusingEmailBackend(BaseEmailBackend):
    """Refuse every recipient, as an ESP does for an address that cannot receive mail."""

    def send_messages(self, email_messages) -> int:
        raise AnymailRecipientsRefused("The ESP refused every recipient (simulated).")

"""An ESP that refuses a set number of times, then accepts: for the retry tests, in-process."""

from anymail.exceptions import AnymailAPIError
from django.core.mail.backends.locmem import EmailBackend


class FlakyEmailBackend(EmailBackend):
    failures_left = 0
    attempts = 0

    def send_messages(self, email_messages) -> int:
        FlakyEmailBackend.attempts += 1
        if FlakyEmailBackend.failures_left > 0:
            FlakyEmailBackend.failures_left -= 1
            raise AnymailAPIError("The ESP is unavailable (simulated).")
        return super().send_messages(email_messages)

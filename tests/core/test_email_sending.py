import smtplib

import pytest
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from core import email_sending


class CountingBackend(LocmemBackend):
    """Counts the connections opened; the first send on each may be told to find it dropped."""

    opened = 0
    drop_next_send = False

    def open(self):
        CountingBackend.opened += 1
        return True

    def send_messages(self, messages):
        if CountingBackend.drop_next_send:
            CountingBackend.drop_next_send = False
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened, CountingBackend.drop_next_send = 0, False
    email_sending.connection_close()
    yield CountingBackend
    email_sending.connection_close()


def _message(number: int) -> EmailMessage:
    return EmailMessage(f"Confirm {number}", "Body", to=[f"signer{number}@example.org"])


def test_a_thread_sends_every_message_on_one_connection(counting_backend, mailoutbox):
    for number in range(5):
        email_sending.email_send(_message(number))

    assert counting_backend.opened == 1
    assert len(mailoutbox) == 5


def test_a_connection_the_server_dropped_is_opened_again_and_the_message_sent_once(
    counting_backend, mailoutbox
):
    email_sending.email_send(_message(1))
    counting_backend.drop_next_send = True

    email_sending.email_send(_message(2))

    assert counting_backend.opened == 2
    assert [message.subject for message in mailoutbox] == ["Confirm 1", "Confirm 2"]


def test_a_fresh_connection_that_fails_raises_for_the_task_to_retry(counting_backend, mailoutbox):
    counting_backend.drop_next_send = True

    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_sending.email_send(_message(1))

    assert mailoutbox == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Free Mamat", "Free Mamat <campagne@mamat.example.org>"),
        (
            "Mamat, Abdulaziz's brother",
            '"Mamat, Abdulaziz\'s brother" <campagne@mamat.example.org>',
        ),
        ("", "Operator <campagne@mamat.example.org>"),
    ],
)
def test_the_sender_keeps_the_operators_address_under_the_campaigns_name(name, expected, settings):
    settings.DEFAULT_FROM_EMAIL = "Operator <campagne@mamat.example.org>"

    assert email_sending.sender_named(name) == expected

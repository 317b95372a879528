"""The Celery tasks, run in-process (as `make run` does): retries, idempotence, the sweep."""

import pytest

from petitions import tasks
from petitions.models import Signature
from tests.factories import SignatureFactory
from tests.petitions.email_backends import email_attempts


@pytest.fixture
def flaky_esp(settings):
    """An ESP that fails three times for each address, then accepts; no wait between tries."""
    from tests.petitions.email_backends import ATTEMPTS_KEY, _redis

    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    settings.SIGNATURE_EMAIL_RETRY_BACKOFF = 0
    yield
    for key in _redis().scan_iter(ATTEMPTS_KEY.format(address="*")):
        _redis().delete(key)


def test_an_esp_that_fails_three_times_then_accepts_gets_exactly_one_message(
    petition, flaky_esp, mailoutbox
):
    signature = SignatureFactory(petition=petition, email="patient@example.org")

    tasks.confirmations_send_task.apply()

    assert email_attempts("patient@example.org") == 4
    assert [message.to for message in mailoutbox] == [["patient@example.org"]]
    signature.refresh_from_db()
    assert signature.confirmation_sent_at is not None
    assert signature.confirmation_attempts == 3


def test_running_the_send_task_twice_sends_once(petition, mailoutbox):
    SignatureFactory(petition=petition)

    tasks.confirmations_send_task.apply()
    tasks.confirmations_send_task.apply()

    assert len(mailoutbox) == 1


def test_the_sweep_task_sends_every_confirmation_due(petition, mailoutbox):
    SignatureFactory.create_batch(3, petition=petition)

    assert tasks.confirmations_send_task.apply().get() == 3
    assert tasks.confirmations_send_task.apply().get() == 0
    assert len(mailoutbox) == 3


def test_the_reconcile_task_writes_the_true_count(petition):
    SignatureFactory.create_batch(2, petition=petition, confirmed=True)

    tasks.petition_counts_reconcile.apply()

    petition.refresh_from_db()
    assert petition.confirmed_count == 2


def test_an_address_the_esp_refuses_is_marked_and_not_retried(petition, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.RefusingEmailBackend"
    signature = SignatureFactory(petition=petition)

    tasks.confirmations_send_task.apply()

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.REJECTED
    assert "refused every recipient" in signature.email_error
    assert signature.confirmation_sent_at is None
    assert tasks.confirmations_send_task.apply().get() == 0  # the sweep leaves it alone


def test_the_anymail_message_id_is_recorded(petition, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    signature = SignatureFactory(petition=petition)

    tasks.confirmations_send_task.apply()

    signature.refresh_from_db()
    assert signature.email_message_id == "0"  # the test ESP numbers its messages

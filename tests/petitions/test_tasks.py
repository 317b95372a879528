"""The Celery tasks, run in-process (as `make run` does): retries, idempotence, the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import tasks
from petitions.models import Signature
from tests.factories import SignatureFactory
from tests.petitions.email_backends import email_attempts


@pytest.fixture
def flaky_esp(settings):
    """An ESP that fails three times for each address, then accepts; retries run in-process.

    In-process tasks raise their first error by default (task_eager_propagates); a worker
    would retry instead, and so do these tests.
    """
    from config.celery_app import app
    from tests.petitions.email_backends import ATTEMPTS_KEY, _redis

    propagates = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    settings.SIGNATURE_EMAIL_MAX_RETRIES = 5
    yield
    app.conf.task_eager_propagates = propagates
    for key in _redis().scan_iter(ATTEMPTS_KEY.format(address="*")):
        _redis().delete(key)


def test_an_esp_that_fails_three_times_then_accepts_gets_exactly_one_message(
    petition, flaky_esp, mailoutbox
):
    signature = SignatureFactory(petition=petition, email="patient@example.org")

    tasks.confirmation_email_send_task.apply(args=[signature.pk])

    assert email_attempts("patient@example.org") == 4
    assert [message.to for message in mailoutbox] == [["patient@example.org"]]
    signature.refresh_from_db()
    assert signature.confirmation_sent_at is not None
    assert signature.confirmation_claimed_until is None


def test_a_failed_send_leaves_the_email_owed_for_the_sweep(petition, flaky_esp, settings):
    settings.SIGNATURE_EMAIL_MAX_RETRIES = 1
    signature = SignatureFactory(petition=petition, email="later@example.org")

    result = tasks.confirmation_email_send_task.apply(args=[signature.pk])

    assert result.failed()
    assert email_attempts("later@example.org") == 2  # the first try and one retry
    signature.refresh_from_db()
    assert signature.confirmation_sent_at is None
    assert signature.confirmation_claimed_until is None  # free for the next try
    assert Signature.objects.confirmation_owed().filter(pk=signature.pk).exists()


def test_running_the_send_task_twice_sends_once(petition, mailoutbox):
    signature = SignatureFactory(petition=petition)

    tasks.confirmation_email_send_task.apply(args=[signature.pk])
    tasks.confirmation_email_send_task.apply(args=[signature.pk])

    assert len(mailoutbox) == 1


def test_the_sweep_task_sends_every_confirmation_owed(petition, mailoutbox):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    SignatureFactory.create_batch(3, petition=petition, created_at=an_hour_ago)

    assert tasks.confirmations_owed_send.apply().get() == 3
    assert tasks.confirmations_owed_send.apply().get() == 0
    assert len(mailoutbox) == 3


def test_the_reconcile_task_writes_the_true_count(petition):
    SignatureFactory.create_batch(2, petition=petition, confirmed=True)

    tasks.petition_counts_reconcile.apply()

    petition.refresh_from_db()
    assert petition.confirmed_count == 2


def test_an_address_the_esp_refuses_is_marked_and_not_retried(petition, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.RefusingEmailBackend"
    signature = SignatureFactory(petition=petition, created_at=timezone.now() - timedelta(hours=1))

    tasks.confirmation_email_send_task.apply(args=[signature.pk])

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.REJECTED
    assert signature.confirmation_sent_at is None
    assert tasks.confirmations_owed_send.apply().get() == 0  # the sweep leaves it alone


def test_the_anymail_message_id_is_recorded(petition, settings):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    signature = SignatureFactory(petition=petition)

    tasks.confirmation_email_send_task.apply(args=[signature.pk])

    signature.refresh_from_db()
    assert signature.email_message_id == "0"  # the test ESP numbers its messages

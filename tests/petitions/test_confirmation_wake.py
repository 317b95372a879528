"""Waking the confirmation senders in a surge: one message per wake key, one Redis trip at most."""

import time
from unittest import mock

import pytest

from config.celery_app import app as celery_app
from petitions import confirmation_emails, confirmation_wake
from petitions.models import Signature
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def senders_in_a_worker(monkeypatch):
    """Queue the senders for a worker, as production does, and note each one queued."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    with mock.patch("petitions.tasks.confirmations_send_task.apply_async") as publish:
        yield publish


@pytest.fixture
def redis_trips(monkeypatch):
    """Count the round trips the wake makes to Redis: one pipeline per setting of the key."""
    trips = []
    key_set = confirmation_wake._wake_key_set

    def counted_key_set():
        trips.append("pipeline")
        return key_set()

    monkeypatch.setattr(confirmation_wake, "_wake_key_set", counted_key_set)
    return trips


def test_a_surge_of_signatures_asks_redis_once_and_queues_one_sender(
    sign, senders_in_a_worker, redis_trips
):
    for number in range(20):
        sign(email=f"surge{number}@example.org")

    assert senders_in_a_worker.call_count == 1
    assert redis_trips == ["pipeline"]
    assert Signature.objects.confirmation_owed().count() == 20


def test_once_the_wake_key_has_ended_the_next_signature_wakes_a_sender_again(
    sign, senders_in_a_worker, redis_trips, monkeypatch
):
    monkeypatch.setattr(confirmation_wake, "WAKE_SECONDS", 0.2)
    sign(email="first@example.org")
    time.sleep(0.3)
    sign(email="second@example.org")

    assert senders_in_a_worker.call_count == 2
    assert redis_trips == ["pipeline", "pipeline"]


def test_a_sender_in_a_worker_waits_for_the_wake_key_to_end_before_its_last_look(
    petition, senders_in_a_worker, monkeypatch, mailoutbox
):
    # A signature committed while the key lived woke no one: it counts on this last look.
    monkeypatch.setattr(confirmation_wake, "WAKE_SECONDS", 0.5)
    confirmation_wake.confirmation_senders_wake()
    looks = []

    def claim(**options):
        looks.append(time.monotonic())
        if len(looks) == 2:
            SignatureFactory(petition=petition, email="late@example.org")
        return real_claim(**options)

    real_claim = confirmation_emails.confirmations_claim
    monkeypatch.setattr(confirmation_emails, "confirmations_claim", claim)
    started = time.monotonic()

    assert confirmation_emails.confirmations_send() == 1

    assert looks[1] - started >= 0.3  # the key's life left when the sender found no work
    assert [message.to for message in mailoutbox] == [["late@example.org"]]


def test_in_process_senders_never_wait_for_the_key_in_a_visitors_request(sign, mailoutbox):
    # `make run` and eager tests: each signature's own request sends, at once.
    started = time.monotonic()
    for number in range(3):
        sign(email=f"quick{number}@example.org")

    assert time.monotonic() - started < confirmation_wake.WAKE_SECONDS
    assert len(mailoutbox) == 3


def test_with_redis_unreachable_each_signature_still_queues_a_sender(
    sign, senders_in_a_worker, monkeypatch
):
    broken = mock.Mock()
    broken.pipeline.side_effect = ConnectionRefusedError
    monkeypatch.setattr(confirmation_wake, "shared_redis", lambda: broken)

    for number in range(3):
        sign(email=f"down{number}@example.org")

    assert senders_in_a_worker.call_count == 3

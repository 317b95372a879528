"""The Celery tasks, run in-process (as `make run` does): the beat task and retries."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group

from deliveries import batches, tasks
from deliveries.models import Delivery
from tests.deliveries.email_backends import FlakyEmailBackend
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create


@pytest.fixture
def flaky_esp(settings):
    """An ESP that fails three times, then accepts; each retry is due at once."""
    settings.EMAIL_BACKEND = "tests.deliveries.email_backends.FlakyEmailBackend"
    settings.DELIVERY_EMAIL_RETRY_BACKOFF = 0
    FlakyEmailBackend.failures_left, FlakyEmailBackend.attempts = 3, 0
    return FlakyEmailBackend


def test_beat_runs_the_deliveries_every_fifteen_minutes():
    entry = django_settings.CELERY_BEAT_SCHEDULE["deliveries-run-due"]
    assert entry == {"task": "deliveries.tasks.deliveries_run_due", "schedule": 900.0}


def test_the_beat_task_delivers_what_the_schedule_says_is_due(
    petition, mailoutbox, django_capture_on_commit_callbacks
):
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=5)
    confirmed_signatures_create(petition, 5)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.deliveries_run_due.apply().get() == 2

    assert Delivery.objects.sent().count() == 2
    assert len(mailoutbox) == 2
    petition.delivery_schedule.refresh_from_db()
    assert petition.delivery_schedule.last_run_at is not None


def test_an_esp_that_fails_three_times_then_accepts_gets_exactly_one_message(
    petition, embassy, flaky_esp, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.delivery_send_task.apply(args=[delivery.pk])

    assert flaky_esp.attempts == 4
    assert len(mailoutbox) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempt_count == 4


def test_past_the_retry_hours_the_delivery_fails_and_the_managers_are_told(
    petition,
    embassy,
    flaky_esp,
    settings,
    mailoutbox,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    settings.DELIVERY_EMAIL_RETRY_HOURS = 0
    flaky_esp.failures_left = 1  # the delivery is refused; the managers' notice goes through
    manager = django_user_model.objects.create_user("manager", email="manager@example.org")
    manager.groups.add(Group.objects.get(name="Petition managers"))
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.delivery_send_task.apply(args=[delivery.pk]).get() is False

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert "unavailable" in delivery.error
    [notice] = mailoutbox
    assert notice.to == ["manager@example.org"]
    assert "unavailable" in notice.body
    assert f"/admin/deliveries/delivery/{delivery.pk}/" in notice.body


def test_running_the_send_task_twice_sends_once(petition, embassy, mailoutbox):
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    assert tasks.delivery_send_task.apply(args=[delivery.pk]).get() is True
    assert tasks.delivery_send_task.apply(args=[delivery.pk]).get() is False

    assert len(mailoutbox) == 1

"""Delivery schedules: when new signatures are due at a target, and what a dry run shows."""

from datetime import timedelta

from django.utils import timezone

from deliveries import batches, runs, selectors
from deliveries.models import DeliveredSignature, Delivery
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create
from tests.factories import SignatureFactory


def test_a_dry_run_reports_and_writes_nothing(petition, embassy, ministry, mailoutbox):
    confirmed_signatures_create(petition, 9)

    report = runs.deliveries_run(petition=petition, dry_run=True)

    assert {(o.target, o.awaiting, o.named) for o in report.outcomes} == {
        (embassy, 9, 3),
        (ministry, 9, 3),
    }
    assert not Delivery.objects.exists()
    assert not DeliveredSignature.objects.exists()
    assert mailoutbox == []


def test_a_schedule_is_due_once_its_threshold_of_new_signatures_waits(petition, embassy):
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=10)
    confirmed_signatures_create(petition, 9)
    assert selectors.deliveries_due(now=timezone.now()) == []

    confirmed_signatures_create(petition, 1)

    due = selectors.deliveries_due(now=timezone.now())
    assert {(pair.target, pair.awaiting) for pair in due} == {
        (target, 10) for target in petition.targets.all()
    }


def test_a_schedule_is_due_every_n_days_after_the_last_delivery(petition, embassy, run):
    schedule = DeliveryScheduleFactory(petition=petition, every_days=7, threshold=None)
    confirmed_signatures_create(petition, 3)
    now = schedule.created_at
    assert selectors.deliveries_due(now=now + timedelta(days=6)) == []
    assert len(selectors.deliveries_due(now=now + timedelta(days=7))) == 2

    run(now=now + timedelta(days=7))
    confirmed_signatures_create(petition, 1)

    assert selectors.deliveries_due(now=timezone.now() + timedelta(days=6)) == []
    assert len(selectors.deliveries_due(now=timezone.now() + timedelta(days=7))) == 2


def test_nothing_is_due_for_an_inactive_schedule_or_a_draft_petition(petition):
    schedule = DeliveryScheduleFactory(petition=petition, every_days=None, threshold=1)
    confirmed_signatures_create(petition, 2)
    schedule.is_active = False
    schedule.save()
    assert selectors.deliveries_due(now=timezone.now()) == []

    schedule.is_active = True
    schedule.save()
    petition.status = petition.Status.DRAFT
    petition.save()
    assert selectors.deliveries_due(now=timezone.now()) == []


def test_a_target_whose_last_delivery_failed_gets_no_new_batch_on_schedule(
    petition, embassy, ministry
):
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=1)
    SignatureFactory(petition=petition, confirmed=True)
    failed = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    Delivery.objects.filter(pk=failed.pk).update(status=Delivery.Status.FAILED)
    SignatureFactory(petition=petition, confirmed=True)

    due = selectors.deliveries_due(now=timezone.now())

    assert [pair.target for pair in due] == [ministry]

"""Two delivery runs at the same moment, while supporters keep confirming: no duplicate, no gap."""

import pytest
from django.db.models import Count

from deliveries import runs
from deliveries.models import DeliveredSignature, Delivery
from petitions.models import Signature
from tests.concurrent_runs import in_threads
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create


def assert_every_confirmed_signature_delivered_once_per_target(petition) -> None:
    confirmed = set(
        Signature.objects.confirmed().filter(petition=petition).values_list("pk", flat=True)
    )
    for target in petition.targets.all():
        carried = DeliveredSignature.objects.filter(target=target, delivery__petition=petition)
        duplicates = carried.values("signature").annotate(n=Count("pk")).filter(n__gt=1)
        assert not duplicates.exists()
        assert set(carried.values_list("signature", flat=True)) == confirmed
        deliveries = Delivery.objects.filter(petition=petition, target=target)
        assert sum(deliveries.values_list("total_count", flat=True)) == len(confirmed)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("started_by", ["beat", "staff"])
def test_two_runs_started_together_deliver_each_signature_exactly_once(
    petition, started_by, mailoutbox
):
    DeliveryScheduleFactory(petition=petition, every_days=None, threshold=1)
    run_kwargs = {} if started_by == "beat" else {"petition": petition}

    for _round in range(3):
        confirmed_signatures_create(petition, 40)

        def confirm_more():
            for _batch in range(5):
                confirmed_signatures_create(petition, 3)

        in_threads(
            lambda: runs.deliveries_run(**run_kwargs),
            lambda: runs.deliveries_run(**run_kwargs),
            confirm_more,
        )
        # Whatever was confirmed during the runs is carried by the next one, not lost.
        runs.deliveries_run(petition=petition)
        assert_every_confirmed_signature_delivered_once_per_target(petition)

    assert Delivery.objects.exclude(status=Delivery.Status.SENT).count() == 0
    assert len(mailoutbox) == Delivery.objects.count()

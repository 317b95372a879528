"""Signatures invalidated by criteria never reach the authorities."""

import pytest

from deliveries.models import Delivery
from petitions import invalidations
from petitions.invalidations import InvalidationCriteria
from petitions.models import Invalidation, Signature
from tests.deliveries.factories import confirmed_signatures_create

pytestmark = pytest.mark.django_db


def test_a_delivery_after_an_invalidation_carries_only_the_valid_signatures(
    petition, run, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 10)  # countries FR, DE, KZ, TR, US in turn
    criteria = InvalidationCriteria(country="KZ")
    preview = invalidations.invalidation_preview(petition=petition, criteria=criteria)
    with django_capture_on_commit_callbacks(execute=True):
        invalidations.invalidation_create(
            petition=petition,
            criteria=criteria,
            reason_category=Invalidation.Reason.ONE_SOURCE,
            reason="Vatican City, again",
            preview=preview,
        )

    run(petition=petition)

    assert preview.count == 2
    delivered = Signature.objects.filter(deliveries_carried__isnull=False).distinct()
    assert delivered.count() == 8
    assert not delivered.filter(status=Signature.Status.INVALIDATED).exists()
    assert set(Delivery.objects.values_list("total_count", flat=True)) == {8}

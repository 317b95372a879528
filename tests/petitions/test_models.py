from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from petitions.models import Signature
from tests.factories import SignatureFactory


def test_a_petition_outside_its_dates_takes_no_signature(petition):
    now = timezone.now()
    petition.opens_at = now + timedelta(days=1)
    assert not petition.is_open_for_signing()
    petition.opens_at, petition.closes_at = now - timedelta(days=2), now - timedelta(days=1)
    assert not petition.is_open_for_signing()
    petition.closes_at = now + timedelta(days=1)
    assert petition.is_open_for_signing()


def test_the_goal_steps_up_once_reached_from_1000_to_5000_to_10000(petition):
    petition.goal = 1000
    counts = (0, 999, 1000, 4999, 5000, 9999, 10000, 50000)
    assert [petition.goal_for(count) for count in counts] == [
        1000,
        1000,
        5000,
        5000,
        10000,
        10000,
        50000,
        100000,
    ]


def test_the_database_refuses_a_second_signature_from_the_same_mailbox(petition):
    SignatureFactory(petition=petition, email="aynur@example.org")

    with pytest.raises(IntegrityError):
        SignatureFactory(petition=petition, email="Aynur@Example.org")


def test_the_database_refuses_a_confirmed_signature_without_its_confirmation_time(petition):
    with pytest.raises(IntegrityError):
        SignatureFactory(petition=petition, status=Signature.Status.CONFIRMED, confirmed_at=None)


def test_a_confirmation_is_owed_until_the_esp_accepts_it_and_never_after_confirming(petition):
    owed = SignatureFactory(petition=petition)
    SignatureFactory(petition=petition, confirmation_sent_at=timezone.now())
    SignatureFactory(petition=petition, confirmed=True, confirmation_sent_at=None)
    flagged = SignatureFactory(petition=petition, status=Signature.Status.FLAGGED)

    assert set(Signature.objects.confirmation_owed()) == {owed, flagged}

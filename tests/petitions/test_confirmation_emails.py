import itertools
from datetime import timedelta

from django.test import override_settings
from django.utils import timezone

from petitions import (
    confirmation_emails,
)
from petitions.models import Signature
from tests.factories import SignatureFactory


def test_a_pending_signer_who_signs_again_gets_the_email_again_up_to_the_cap(
    sign, petition, mailoutbox
):
    with override_settings(SIGNATURE_CONFIRMATION_SEND_CAP=3):
        for _ in range(5):
            sign()

    assert petition.signatures.count() == 1
    assert len(mailoutbox) == 3
    assert petition.signatures.get().confirmation_send_count == 3


def test_the_sweep_sends_what_is_owed_and_nothing_twice(petition, mailoutbox):
    old = timezone.now() - timedelta(hours=1)
    owed = SignatureFactory(petition=petition, created_at=old)
    SignatureFactory(petition=petition, created_at=old, confirmation_sent_at=old)
    SignatureFactory(petition=petition)  # just signed: its own task is on its way

    assert confirmation_emails.confirmations_owed_queue() == 1
    assert confirmation_emails.confirmations_owed_queue() == 0

    assert [message.to for message in mailoutbox] == [[owed.email]]


def test_sending_twice_sends_one_email(petition, mailoutbox):
    signature = SignatureFactory(petition=petition)

    assert confirmation_emails.confirmation_email_send(signature_id=signature.pk)
    assert not confirmation_emails.confirmation_email_send(signature_id=signature.pk)

    assert len(mailoutbox) == 1


def test_a_send_claimed_by_another_worker_is_left_to_it(petition, mailoutbox):
    signature = SignatureFactory(
        petition=petition, confirmation_claimed_until=timezone.now() + timedelta(minutes=1)
    )

    assert not confirmation_emails.confirmation_email_send(signature_id=signature.pk)
    assert mailoutbox == []


def test_the_workers_claim_takes_exactly_the_emails_the_queryset_says_are_owed(petition):
    now = timezone.now()
    for status, sent_at, claimed_until, email_status in itertools.product(
        Signature.Status.values,
        [None, now],
        [None, now - timedelta(minutes=1), now + timedelta(minutes=1)],
        Signature.EmailStatus.values,
    ):
        SignatureFactory(
            petition=petition,
            status=status,
            confirmed_at=now if status == Signature.Status.CONFIRMED else None,
            confirmation_sent_at=sent_at,
            confirmation_claimed_until=claimed_until,
            email_status=email_status,
        )
    owed = set(confirmation_emails.confirmations_claimable(now=now).values_list("pk", flat=True))

    claimed = {
        pk
        for pk in Signature.objects.values_list("pk", flat=True)
        if confirmation_emails._confirmation_claim(signature_id=pk) is not None
    }

    assert claimed == owed
    assert len(owed) == 2 * 2 * 4  # pending or flagged, unclaimed or expired, 4 live statuses
    assert not any(confirmation_emails._confirmation_claim(signature_id=pk) for pk in owed)

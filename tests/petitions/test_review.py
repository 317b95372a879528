from django.test import override_settings
from django.utils import translation

from petitions import (
    counter,
    review,
)
from petitions.models import Signature


def test_signers_held_on_the_english_pages_carry_reasons_staff_read_in_french(sign):
    with translation.override("en"), override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=1):
        sign(email="first@example.org", language="en")
        over_the_limit = sign(email="second@example.org", language="en").signature
        disposable = sign(email="someone@mailinator.com", language="en").signature

    assert over_the_limit.status_reason == (
        "Au-delà de la limite de signatures venues d'un même réseau"
    )
    assert disposable.status_reason == "Adresse e-mail jetable"


def test_approving_a_confirmed_flagged_signature_counts_it(
    sign, confirm, petition, django_capture_on_commit_callbacks
):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=1):
        sign(email="first@example.org")
        flagged = sign(email="second@example.org").signature
        waiting = sign(email="third@example.org").signature
    confirm(flagged)

    assert counter.petition_signature_count(petition=petition) == 0
    with django_capture_on_commit_callbacks(execute=True):
        approved = review.signatures_approve(signatures=Signature.objects.flagged())
    assert approved == 2

    flagged.refresh_from_db()
    waiting.refresh_from_db()
    assert flagged.status == Signature.Status.CONFIRMED
    assert waiting.status == Signature.Status.PENDING
    assert counter.petition_signature_count(petition=petition) == 1


def test_invalidating_takes_a_signature_out_of_the_count(sign, confirm, petition):
    signature = sign().signature
    confirm(signature)

    review.signatures_invalidate(
        signatures=Signature.objects.filter(pk=signature.pk), reason="A made-up name"
    )
    counter.petition_count_reconcile(petition_id=petition.pk)

    assert counter.petition_signature_count(petition=petition) == 0

from django.test import override_settings

from petitions import (
    counter,
)
from petitions.models import Signature


def test_over_the_ip_limit_signatures_are_kept_but_flagged_and_not_counted(
    sign, confirm, petition, mailoutbox
):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=2):
        results = [sign(email=f"family{n}@example.org") for n in range(4)]
    for result in results:
        confirm(result.signature)

    statuses = [Signature.objects.get(pk=r.signature.pk).status for r in results]
    assert statuses == ["confirmed", "confirmed", "flagged", "flagged"]
    # The flagged are emailed once staff approve them, or after the petition's delay.
    assert len(mailoutbox) == 2
    assert counter.petition_signature_count(petition=petition) == 2


def test_over_the_email_domain_limit_signatures_are_flagged_but_big_providers_are_exempt(sign):
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN=1, SIGNATURE_RATE_LIMIT_PER_IP_HASH=0
    ):
        first = sign(email="one@bot.example").signature
        second = sign(email="two@bot.example").signature
        gmail = [sign(email=f"person{n}@gmail.com").signature for n in range(3)]

    assert first.status == Signature.Status.PENDING
    assert second.status == Signature.Status.FLAGGED
    assert {signature.status for signature in gmail} == {Signature.Status.PENDING}


def test_a_limit_of_zero_turns_the_limit_off(sign):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=0):
        signatures = [sign(email=f"crowd{n}@example.org").signature for n in range(30)]

    assert {signature.status for signature in signatures} == {Signature.Status.PENDING}

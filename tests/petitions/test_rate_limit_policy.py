from django.test import override_settings
from django.urls import reverse

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

    kept = [Signature.objects.get(pk=r.signature.pk) for r in results]
    statuses = [signature.status for signature in kept]
    assert statuses == ["confirmed", "confirmed", "flagged", "flagged"]
    # Staff reviewing the held ones read why, in the site's language.
    assert [signature.status_reason for signature in kept] == ["", ""] + [
        "Au-delà de la limite de signatures venues d'un même réseau"
    ] * 2
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
    assert Signature.objects.get(pk=second.pk).status_reason == (
        "Au-delà de la limite de signatures venues d'un même domaine d'adresse"
    )
    assert {signature.status for signature in gmail} == {Signature.Status.PENDING}


def test_a_limit_of_zero_turns_the_limit_off(sign):
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=0, SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH=0
    ):
        signatures = [sign(email=f"crowd{n}@example.org").signature for n in range(30)]

    assert {signature.status for signature in signatures} == {Signature.Status.PENDING}


def test_a_burst_from_one_network_is_flagged_before_the_sustained_limit_is_reached(sign):
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=20, SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH=2
    ):
        burst = [sign(email=f"fast{n}@example.org").signature for n in range(3)]

    assert [signature.status for signature in burst] == ["pending", "pending", "flagged"]


def test_a_patient_source_is_flagged_by_the_sustained_limit_alone(sign):
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN=2,
        SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN=100,
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=0,
        SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH=0,
    ):
        slow = [sign(email=f"slow{n}@patient.example").signature for n in range(3)]

    assert [signature.status for signature in slow] == ["pending", "pending", "flagged"]


def test_the_burst_window_ends_before_the_sustained_one(settings, db):
    from petitions import rate_limits
    from tests.factories import PetitionFactory

    limits = rate_limits._limits(
        petition=PetitionFactory(), ip_hash="a" * 64, email_domain="x.example", domain_exempt=False
    )

    assert {limit.name: limit.window_seconds for limit in limits} == {
        "ip": settings.SIGNATURE_RATE_LIMIT_WINDOW,
        "ip-burst": settings.SIGNATURE_RATE_LIMIT_BURST_WINDOW,
        "domain": settings.SIGNATURE_RATE_LIMIT_WINDOW,
        "domain-burst": settings.SIGNATURE_RATE_LIMIT_BURST_WINDOW,
    }


def test_a_bot_moving_through_its_ipv6_network_is_one_source(
    client, petition, django_capture_on_commit_callbacks
):
    sign_url = reverse("petitions:sign", args=[petition.slug])
    addresses = ["2001:db8:5:7::1", "2001:db8:5:7::2", "2001:db8:5:7:9:9:9:9", "2001:db8:5:8::1"]

    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=20, SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH=2
    ):
        for number, address in enumerate(addresses):
            values = {"first_name": "Ali", "last_name": "Bot", "country": "FR"}
            with django_capture_on_commit_callbacks(execute=True):
                client.post(
                    sign_url,
                    {**values, "email": f"rotate{number}@example.org"},
                    REMOTE_ADDR=address,
                )

    statuses = list(Signature.objects.order_by("pk").values_list("status", flat=True))
    # The third address of the same /64 is over its burst; a neighbour's network is not.
    assert statuses == ["pending", "pending", "flagged", "pending"]


def test_a_signer_emailed_before_who_asks_again_over_a_limit_is_emailed_at_once(sign, mailoutbox):
    with override_settings(
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=1, SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS=0
    ):
        first = sign(email="aynur@example.org").signature
        again = sign(email="aynur@example.org")  # over the limit of one a network

    assert not again.created
    assert Signature.objects.get(pk=first.pk).status == Signature.Status.PENDING
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]] * 2

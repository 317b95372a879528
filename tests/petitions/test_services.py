import itertools
from datetime import timedelta

import pytest
from django.core import signing
from django.test import override_settings
from django.utils import timezone

from petitions import selectors, services
from petitions.models import Petition, Signature
from tests.factories import SignatureFactory


def test_signing_records_a_pending_signature_and_sends_one_confirmation_email(
    sign, petition, mailoutbox
):
    result = sign(show_first_name=True)

    signature = result.signature
    assert result.created
    assert signature.status == Signature.Status.PENDING
    assert signature.privacy_notice_version == "2025-1"
    assert signature.consented_at is not None
    assert signature.show_first_name and not signature.name_in_delivery
    assert not signature.newsletter_opt_in
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["aynur@example.org"]
    signature.refresh_from_db()
    assert signature.confirmation_sent_at is not None
    assert signature.email_status == Signature.EmailStatus.SENT
    assert signature.email_message_id


def test_the_raw_ip_address_is_never_stored(sign):
    signature = sign().signature

    stored = " ".join(
        str(value) for value in Signature.objects.filter(pk=signature.pk).values()[0].values()
    )
    assert "203.0.113.7" not in stored
    assert signature.ip_hash == services.client_ip_hash(ip="203.0.113.7")
    assert len(signature.ip_hash) == 64


def test_the_ip_hash_is_keyed_by_the_setting():
    with override_settings(SIGNATURE_IP_HMAC_KEY="one"):
        first = services.client_ip_hash(ip="203.0.113.7")
    with override_settings(SIGNATURE_IP_HMAC_KEY="two"):
        second = services.client_ip_hash(ip="203.0.113.7")
    assert first != second


@pytest.mark.parametrize(
    ("address", "normalized"),
    [
        ("Aynur@Example.ORG", "aynur@example.org"),
        ("  aynur@example.org ", "aynur@example.org"),
        ("A.Y.N.U.R+petition@GoogleMail.com", "aynur@gmail.com"),
        ("aynur+news@outlook.com", "aynur@outlook.com"),
        ("aynur+tag@example.org", "aynur+tag@example.org"),
    ],
)
def test_email_addresses_are_normalised_to_the_mailbox(address, normalized):
    assert services.email_normalize(address) == normalized


def test_second_signature_with_same_email_in_other_case_is_not_counted_twice(
    sign, petition, mailoutbox, confirm
):
    first = sign(email="aynur@example.org").signature
    confirm(first)

    again = sign(email="AYNUR@Example.org", first_name="Someone else")

    assert not again.created
    assert petition.signatures.count() == 1
    assert petition.signatures.get().first_name == "Aynur"
    assert selectors.petition_signature_count(petition=petition) == 1
    assert len(mailoutbox) == 1  # a confirmed signer is not emailed again


def test_a_pending_signer_who_signs_again_gets_the_email_again_up_to_the_cap(
    sign, petition, mailoutbox
):
    with override_settings(SIGNATURE_CONFIRMATION_SEND_CAP=3):
        for _ in range(5):
            sign()

    assert petition.signatures.count() == 1
    assert len(mailoutbox) == 3
    assert petition.signatures.get().confirmation_send_count == 3


def test_confirming_counts_the_signature_once_even_when_confirmed_twice(sign, confirm, petition):
    signature = sign().signature

    confirm(signature)
    confirm(signature)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED
    assert signature.confirmed_at is not None
    assert selectors.petition_signature_count(petition=petition) == 1
    assert services.petition_count_reconcile(petition_id=petition.pk) == 1


def test_a_tampered_confirmation_link_confirms_nothing(sign):
    signature = sign().signature
    token = services.confirmation_token_make(signature=signature)

    with pytest.raises(services.SignatureLinkInvalid):
        services.signature_confirm(token=token[:-2] + "xx")
    with pytest.raises(services.SignatureLinkInvalid):
        # A withdrawal link is not a confirmation link.
        services.signature_confirm(token=services.withdrawal_token_make(signature=signature))

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_an_expired_confirmation_link_confirms_nothing(sign):
    signature = sign().signature
    token = services.confirmation_token_make(signature=signature)

    with (
        override_settings(SIGNATURE_CONFIRMATION_MAX_AGE=-1),
        pytest.raises(services.SignatureLinkExpired),
    ):
        services.signature_confirm(token=token)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.PENDING


def test_the_confirmation_link_carries_no_row_number(sign):
    signature = sign().signature

    payload = signing.loads(
        services.confirmation_token_make(signature=signature), salt=services.CONFIRM_SALT
    )

    assert payload == str(signature.public_id)


def test_withdrawing_erases_the_signature_and_takes_it_out_of_the_count(
    sign, confirm, petition, django_capture_on_commit_callbacks
):
    signature = sign(show_first_name=True).signature
    confirm(signature)
    assert [signer.first_name for signer in selectors.signers_recent(petition=petition)] == [
        "Aynur"
    ]

    with django_capture_on_commit_callbacks(execute=True):
        services.signature_withdraw(token=services.withdrawal_token_make(signature=signature))

    assert not Signature.objects.filter(email_normalized="aynur@example.org").exists()
    assert selectors.petition_signature_count(petition=petition) == 0
    assert selectors.signers_recent(petition=petition) == []


def test_over_the_ip_limit_signatures_are_kept_but_flagged_and_not_counted(
    sign, confirm, petition, mailoutbox
):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=2):
        results = [sign(email=f"family{n}@example.org") for n in range(4)]
    for result in results:
        confirm(result.signature)

    statuses = [Signature.objects.get(pk=r.signature.pk).status for r in results]
    assert statuses == ["confirmed", "confirmed", "flagged", "flagged"]
    assert len(mailoutbox) == 4  # everyone can still confirm, for staff to review
    assert selectors.petition_signature_count(petition=petition) == 2


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


def test_approving_a_confirmed_flagged_signature_counts_it(
    sign, confirm, petition, django_capture_on_commit_callbacks
):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=1):
        sign(email="first@example.org")
        flagged = sign(email="second@example.org").signature
        waiting = sign(email="third@example.org").signature
    confirm(flagged)

    assert selectors.petition_signature_count(petition=petition) == 0
    with django_capture_on_commit_callbacks(execute=True):
        approved = services.signatures_approve(signatures=Signature.objects.flagged())
    assert approved == 2

    flagged.refresh_from_db()
    waiting.refresh_from_db()
    assert flagged.status == Signature.Status.CONFIRMED
    assert waiting.status == Signature.Status.PENDING
    assert selectors.petition_signature_count(petition=petition) == 1


def test_invalidating_takes_a_signature_out_of_the_count(sign, confirm, petition):
    signature = sign().signature
    confirm(signature)

    services.signatures_invalidate(signatures=Signature.objects.filter(pk=signature.pk))
    services.petition_count_reconcile(petition_id=petition.pk)

    assert selectors.petition_signature_count(petition=petition) == 0


def test_a_closed_petition_takes_no_signature(sign, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    petition.refresh_from_db()

    with pytest.raises(services.PetitionNotOpen):
        sign()
    assert not Signature.objects.exists()


def test_optional_fields_are_kept_only_where_the_petition_asks_for_them(sign, petition):
    signature = sign(postcode="75011", comment="Courage").signature
    assert (signature.postcode, signature.comment) == ("", "")

    Petition.objects.filter(pk=petition.pk).update(asks_postcode=True, allows_comment=True)
    petition.refresh_from_db()
    signature = sign(email="other@example.org", postcode="75011", comment="Courage").signature
    assert (signature.postcode, signature.comment) == ("75011", "Courage")


def test_the_count_comes_from_the_cache_not_from_counting_rows(
    sign, confirm, petition, django_assert_num_queries
):
    confirm(sign().signature)
    selectors.petition_signature_count(petition=petition)

    with django_assert_num_queries(0):
        assert selectors.petition_signature_count(petition=petition) == 1


def test_the_reconciliation_corrects_a_count_that_drifted(sign, confirm, petition):
    confirm(sign().signature)
    assert selectors.petition_signature_count(petition=petition) == 1
    services._count_add(petition_id=petition.pk, delta=41)
    assert selectors.petition_signature_count(petition=petition) == 42

    services.petition_counts_reconcile()

    assert selectors.petition_signature_count(petition=petition) == 1
    petition.refresh_from_db()
    assert petition.confirmed_count == 1


def test_recent_signers_show_only_those_who_asked_with_first_name_and_country(
    sign, confirm, petition
):
    confirm(sign(email="shown@example.org", first_name="Aynur", show_first_name=True).signature)
    confirm(sign(email="hidden@example.org", first_name="Secret").signature)
    sign(email="pending@example.org", first_name="Pending", show_first_name=True)

    signers = selectors.signers_recent(petition=petition)

    assert [(s.first_name, s.country_name) for s in signers] == [("Aynur", "France")]


def test_the_sweep_sends_what_is_owed_and_nothing_twice(petition, mailoutbox):
    old = timezone.now() - timedelta(hours=1)
    owed = SignatureFactory(petition=petition, created_at=old)
    SignatureFactory(petition=petition, created_at=old, confirmation_sent_at=old)
    SignatureFactory(petition=petition)  # just signed: its own task is on its way

    assert services.confirmations_owed_queue() == 1
    assert services.confirmations_owed_queue() == 0

    assert [message.to for message in mailoutbox] == [[owed.email]]


def test_sending_twice_sends_one_email(petition, mailoutbox):
    signature = SignatureFactory(petition=petition)

    assert services.confirmation_email_send(signature_id=signature.pk)
    assert not services.confirmation_email_send(signature_id=signature.pk)

    assert len(mailoutbox) == 1


def test_a_send_claimed_by_another_worker_is_left_to_it(petition, mailoutbox):
    signature = SignatureFactory(
        petition=petition, confirmation_claimed_until=timezone.now() + timedelta(minutes=1)
    )

    assert not services.confirmation_email_send(signature_id=signature.pk)
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
    owed = set(services.confirmations_claimable(now=now).values_list("pk", flat=True))

    claimed = {
        pk
        for pk in Signature.objects.values_list("pk", flat=True)
        if services._confirmation_claim(signature_id=pk) is not None
    }

    assert claimed == owed
    assert len(owed) == 2 * 2 * 4  # pending or flagged, unclaimed or expired, 4 live statuses
    assert not any(services._confirmation_claim(signature_id=pk) for pk in owed)


def test_load_initial_creates_an_open_petition_to_a_placeholder_target_once(db):
    from campaign.services import campaign_load_initial

    campaign_load_initial()
    first = services.petition_load_initial()
    again = services.petition_load_initial()

    assert first.petition_created and not again.petition_created
    petition = Petition.objects.get()
    assert petition.is_open_for_signing()
    assert [target.email for target in petition.targets.all()] == [
        "delivery-target@example.invalid"
    ]


def test_load_initial_never_overwrites_what_staff_edited(mamat_campaign):
    services.petition_load_initial()
    petition = Petition.objects.get()
    petition.targets.update(email="real@embassy.example")
    Petition.objects.filter(pk=petition.pk).update(title_fr="Titre de l'équipe")

    services.petition_load_initial()

    petition.refresh_from_db()
    assert petition.title_fr == "Titre de l'équipe"
    assert [target.email for target in petition.targets.all()] == ["real@embassy.example"]

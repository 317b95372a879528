"""Deliveries as the campaign needs them: every signature once, only consenting signers named."""

import hashlib
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from anymail.exceptions import AnymailAPIError
from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.models import Campaign
from deliveries import batches, sending
from deliveries.models import DeliveredSignature, Delivery
from petitions.models import Signature
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create
from tests.deliveries.helpers import attachments, csv_reference, csv_rows, pdf_text
from tests.factories import SignatureFactory


def message_to(mailoutbox, address):
    messages = [message for message in mailoutbox if message.to == [address]]
    assert len(messages) == 1, f"{len(messages)} messages to {address}"
    return messages[0]


def test_each_target_receives_every_confirmed_signature_in_one_delivery(
    petition, embassy, ministry, run, mailoutbox
):
    confirmed_signatures_create(petition, 60)

    report = run(petition=petition)

    assert len(report.deliveries) == 2
    for target in (embassy, ministry):
        delivery = Delivery.objects.get(petition=petition, target=target)
        assert delivery.status == Delivery.Status.SENT
        assert delivery.sent_at is not None
        assert delivery.total_count == delivery.cumulative_count == 60
        assert delivery.named_count == 20
        assert delivery.counts_by_country == {"DE": 12, "FR": 12, "KZ": 12, "TR": 12, "US": 12}
        assert delivery.delivered_signatures.count() == 60
    assert sorted(message.to[0] for message in mailoutbox) == [embassy.email, ministry.email]


def test_the_list_names_exactly_the_signers_who_chose_it(petition, embassy, run, mailoutbox):
    signatures = confirmed_signatures_create(petition, 30)
    named = {(s.first_name, s.last_name) for s in signatures if s.name_in_delivery}

    run(petition=petition)

    rows = csv_rows(attachments(message_to(mailoutbox, embassy.email))["signatures.csv"])
    assert {(first, last) for first, last, _country in rows} == named
    assert len(rows) == len(named) == 10
    assert {country for _first, _last, country in rows} <= {
        "France", "Allemagne", "Kazakhstan", "Turquie", "États-Unis d'Amérique"
    }  # fmt: skip


def test_no_email_ip_postcode_or_comment_ever_leaves(petition, run, mailoutbox):
    signatures = confirmed_signatures_create(petition, 15, named_every=1)

    run(petition=petition)

    assert len(mailoutbox) == 2
    for message in mailoutbox:
        sent = [message.subject, message.body, *message.to]
        files = attachments(message)
        sent += [files["signatures.csv"].decode("utf-8-sig"), pdf_text(files["letter.pdf"])]
        for signature in signatures:
            for secret in (
                signature.email,
                signature.ip_hash,
                signature.postcode,
                signature.comment,
            ):
                assert not any(secret in text for text in sent), secret


def test_a_target_answering_the_email_reaches_the_campaigns_contact_address(
    petition, embassy, run, mailoutbox
):
    Campaign.objects.update(contact_email="contact@liberez-mamat.test")
    confirmed_signatures_create(petition, 3)

    run(petition=petition)

    assert message_to(mailoutbox, embassy.email).reply_to == ["contact@liberez-mamat.test"]


def test_without_a_contact_address_the_email_has_no_reply_to(petition, embassy, run, mailoutbox):
    confirmed_signatures_create(petition, 3)

    run(petition=petition)

    assert message_to(mailoutbox, embassy.email).reply_to == []


def test_when_nobody_asked_to_be_named_the_email_says_so_in_words(
    petition, embassy, run, mailoutbox
):
    SignatureFactory.create_batch(4, petition=petition, confirmed=True)

    run(petition=petition)

    body = " ".join(message_to(mailoutbox, embassy.email).body.split())
    # Not "0 signataire a demandé à être nommé : son nom … figurent dans la liste jointe".
    assert "Aucun de ces signataires n'a demandé à être nommé" in body
    assert "liste jointe" not in body


def test_signers_who_did_not_choose_to_be_named_appear_only_in_the_counts(
    petition, embassy, run, mailoutbox
):
    SignatureFactory(
        petition=petition, confirmed=True, first_name="Hidden", last_name="Signer", country="KZ"
    )
    SignatureFactory(
        petition=petition,
        confirmed=True,
        first_name="Named",
        last_name="Signer",
        name_in_delivery=True,
    )

    run(petition=petition)

    message = message_to(mailoutbox, embassy.email)
    files = attachments(message)
    assert csv_rows(files["signatures.csv"]) == [["Named", "Signer", "France"]]
    letter = pdf_text(files["letter.pdf"])
    assert "Hidden" not in letter and "Hidden" not in message.body
    # Two signers, under the threshold: counted, in no country's name.
    assert "Autres pays 2" in letter and "Kazakhstan" not in letter


def test_signatures_not_confirmed_are_not_delivered(petition, run):
    for status in (
        Signature.Status.PENDING,
        Signature.Status.FLAGGED,
        Signature.Status.INVALIDATED,
    ):
        SignatureFactory(petition=petition, status=status, name_in_delivery=True)
    confirmed = SignatureFactory(petition=petition, confirmed=True)

    report = run(petition=petition)

    for delivery in report.deliveries:
        assert list(delivery.delivered_signatures.values_list("signature", flat=True)) == [
            confirmed.pk
        ]


def test_running_again_sends_nothing(petition, run, mailoutbox):
    confirmed_signatures_create(petition, 20)
    run(petition=petition)
    mailoutbox.clear()

    report = run(petition=petition)

    assert report.deliveries == []
    assert mailoutbox == []
    assert Delivery.objects.count() == 2


def test_new_signatures_go_in_the_next_delivery_and_only_they(
    petition, embassy, ministry, run, mailoutbox
):
    confirmed_signatures_create(petition, 20)
    run(petition=petition)
    mailoutbox.clear()
    later = confirmed_signatures_create(petition, 10, named_every=1)

    run(petition=petition)

    delivery = Delivery.objects.filter(target=embassy).order_by("-pk").first()
    assert set(delivery.delivered_signatures.values_list("signature", flat=True)) == {
        signature.pk for signature in later
    }
    assert (delivery.total_count, delivery.named_count, delivery.cumulative_count) == (10, 10, 30)
    rows = csv_rows(attachments(message_to(mailoutbox, embassy.email))["signatures.csv"])
    assert sorted(first for first, _last, _country in rows) == sorted(
        signature.first_name for signature in later
    )
    # The ministry reads English (the embassy's letter is in French once translated).
    letter = pdf_text(attachments(message_to(mailoutbox, ministry.email))["letter.pdf"])
    assert "10 new signatures" in letter
    assert "30 signatures have been delivered to you in all" in letter


def test_a_counts_only_petition_sends_numbers_and_no_list(petition, ministry, run, mailoutbox):
    DeliveryScheduleFactory(petition=petition, counts_only=True)
    signatures = confirmed_signatures_create(petition, 12, named_every=1)

    run(petition=petition)

    message = message_to(mailoutbox, ministry.email)
    files = attachments(message)
    assert set(files) == {"letter.pdf"}
    delivery = Delivery.objects.get(target=ministry)
    assert (delivery.total_count, delivery.named_count) == (12, 0)
    assert not delivery.signatures_csv and delivery.csv_sha256 == ""
    letter = pdf_text(files["letter.pdf"])
    assert "12 new signatures" in letter
    assert not any(signature.last_name in letter + message.body for signature in signatures)


def test_the_letter_and_list_come_in_the_targets_language(
    petition, embassy, ministry, run, mailoutbox
):
    SignatureFactory(petition=petition, confirmed=True, country="DE", name_in_delivery=True)

    run(petition=petition)

    french = attachments(message_to(mailoutbox, embassy.email))
    assert "Libérez Mamat immédiatement." in pdf_text(french["letter.pdf"])
    assert csv_rows(french["signatures.csv"])[0][2] == "Allemagne"
    # Chinese has no catalogue yet: English.
    english = attachments(message_to(mailoutbox, ministry.email))
    assert "Release Mamat immediately." in pdf_text(english["letter.pdf"])
    assert csv_rows(english["signatures.csv"])[0][2] == "Germany"
    assert Delivery.objects.get(target=ministry).language == "en"


def test_names_that_a_spreadsheet_would_compute_are_sent_as_text(
    petition, embassy, run, mailoutbox
):
    for first_name in ('=HYPERLINK("http://x")', "+33612345678", "-2+3", "@SUM(A1)"):
        SignatureFactory(
            petition=petition, confirmed=True, first_name=first_name, name_in_delivery=True
        )

    run(petition=petition)

    rows = csv_rows(attachments(message_to(mailoutbox, embassy.email))["signatures.csv"])
    assert sorted(first for first, _last, _country in rows) == sorted(
        ['\'=HYPERLINK("http://x")', "'+33612345678", "'-2+3", "'@SUM(A1)"]
    )


def test_the_recorded_sha256_is_that_of_the_bytes_sent(petition, embassy, run, mailoutbox):
    confirmed_signatures_create(petition, 9)

    run(petition=petition)

    delivery = Delivery.objects.get(target=embassy)
    files = attachments(message_to(mailoutbox, embassy.email))
    assert hashlib.sha256(files["letter.pdf"]).hexdigest() == delivery.letter_sha256
    assert hashlib.sha256(files["signatures.csv"]).hexdigest() == delivery.csv_sha256
    with delivery.signatures_csv.open("rb") as stored:
        assert stored.read() == files["signatures.csv"]
    # The random reference in both files keeps the public hash from confirming a guess.
    assert csv_reference(files["signatures.csv"]) == delivery.reference
    assert delivery.reference in pdf_text(files["letter.pdf"])


def test_the_database_refuses_a_signature_twice_for_one_target(petition, embassy, run):
    signature = SignatureFactory(petition=petition, confirmed=True)
    run(petition=petition)
    delivery = Delivery.objects.get(target=embassy)

    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveredSignature.objects.create(delivery=delivery, signature=signature, target=embassy)


def test_a_sent_delivery_is_never_sent_again(petition, embassy, run, mailoutbox):
    SignatureFactory(petition=petition, confirmed=True)
    run(petition=petition)
    delivery = Delivery.objects.get(target=embassy)
    mailoutbox.clear()

    assert sending.delivery_send(delivery_id=delivery.pk) is False
    assert sending.deliveries_resend(deliveries=Delivery.objects.all()) == 0
    assert mailoutbox == []


def test_an_esp_down_for_now_leaves_the_delivery_ready_for_a_later_attempt(
    petition, embassy, mailoutbox, run
):
    SignatureFactory(petition=petition, confirmed=True)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=AnymailAPIError("ESP down")):
        assert sending.delivery_send(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.READY
    assert "ESP down" in delivery.error
    assert delivery.next_attempt_at > timezone.now()
    assert sending.delivery_send(delivery_id=delivery.pk) is False  # not due yet
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    run()  # beat's run sends what is due
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempt_count == 2
    assert len(mailoutbox) == 1


def test_a_refused_recipient_fails_the_delivery_until_staff_resend_it(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    SignatureFactory(petition=petition, confirmed=True)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    refused = smtplib.SMTPRecipientsRefused({embassy.email: (550, b"5.1.1 No such user")})

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=refused):
        assert sending.delivery_send(delivery_id=delivery.pk) is False

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.error == "550 5.1.1 No such user"
    with django_capture_on_commit_callbacks(execute=True):
        assert sending.deliveries_resend(deliveries=Delivery.objects.all()) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempt_count == 2
    assert len(mailoutbox) == 1


def test_the_esp_message_id_is_recorded(petition, embassy, settings, mailoutbox):
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    SignatureFactory(petition=petition, confirmed=True)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    assert sending.delivery_send(delivery_id=delivery.pk) is True

    delivery.refresh_from_db()
    assert delivery.esp_message_id == "0"  # the test ESP numbers its messages from 0
    assert mailoutbox[0].extra_headers["Message-ID"] == delivery.message_id


def test_a_worker_killed_while_writing_the_files_leaves_a_batch_the_next_run_finishes(
    petition, embassy, run, mailoutbox
):
    signatures = confirmed_signatures_create(petition, 8)
    with (
        mock.patch.object(batches, "delivery_files_write", side_effect=SystemExit),
        pytest.raises(SystemExit),
    ):
        batches.delivery_batch_create(petition=petition, target=embassy)
    interrupted = Delivery.objects.get(target=embassy)
    assert interrupted.status == Delivery.Status.BUILDING

    run(petition=petition)

    interrupted.refresh_from_db()
    assert interrupted.status == Delivery.Status.SENT
    assert interrupted.delivered_signatures.count() == len(signatures)
    assert Delivery.objects.filter(target=embassy).count() == 1
    assert len([m for m in mailoutbox if m.to == [embassy.email]]) == 1


def test_a_worker_killed_while_sending_is_resumed_only_after_the_claim_expires(
    petition, embassy, run, mailoutbox, settings
):
    SignatureFactory(petition=petition, confirmed=True)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    claimed_at = timezone.now() - timedelta(minutes=5)
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, claimed_at=claimed_at
    )
    settings.DELIVERY_SEND_CLAIM_SECONDS = 600

    run(petition=petition)
    assert [m for m in mailoutbox if m.to == [embassy.email]] == []  # may still be sending

    run(petition=petition, now=claimed_at + timedelta(minutes=11))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert len([m for m in mailoutbox if m.to == [embassy.email]]) == 1

"""A name staff hide leaves every list of names still waiting to go; a list already delivered
cannot be recalled, and staff are told so."""

import hashlib
import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries import batches, files
from deliveries.models import Delivery
from deliveries.runs import deliveries_interrupted_resume
from deliveries.sending import delivery_send
from petitions.erasure_journal import erasure_journal_entries
from petitions.models import Signature
from petitions.name_review import signatures_name_hide
from staff.models import AccessEvent
from tests.deliveries.factories import confirmed_signatures_create
from tests.deliveries.helpers import attachments, csv_rows, pdf_text
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as
from tests.staff_fixtures import login_verified

NAMES_URL = reverse("admin:petitions_signature_names")


def _on_file(field_file) -> bytes:
    with field_file.open("rb") as opened:
        return opened.read()


def _assert_the_list_sent_names_only(email, delivery, *, hidden, staying) -> None:
    """The list the email carried names `staying`, not `hidden`, and is the one on record."""
    went = attachments(email)
    assert hidden.last_name.encode() not in went["signatures.csv"]
    assert staying.last_name.encode() in went["signatures.csv"]
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.named_count == 1
    assert hashlib.sha256(went["signatures.csv"]).hexdigest() == delivery.csv_sha256


def test_a_name_hidden_leaves_the_list_not_yet_sent_and_the_sent_one_stays_as_delivered(
    client, petition, embassy, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = batches.delivery_batch_create(petition=petition, target=embassy)
    sent.refresh_from_db()
    waiting = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    sent_list, sent_hash = _on_file(sent.signatures_csv), sent.csv_sha256
    assert hidden.last_name.encode() in _on_file(waiting.signatures_csv)

    logged_in_as(client, PETITION_MANAGERS)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            NAMES_URL, {"hide": hidden.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    # The list waiting for the ministry no longer names them; its letter and proof agree.
    waiting = Delivery.objects.get(pk=waiting.pk)
    names = [row[:2] for row in csv_rows(_on_file(waiting.signatures_csv))]
    assert names == [[staying.first_name, staying.last_name]]
    assert waiting.named_count == 1
    assert hashlib.sha256(_on_file(waiting.signatures_csv)).hexdigest() == waiting.csv_sha256
    assert hashlib.sha256(_on_file(waiting.letter_pdf)).hexdigest() == waiting.letter_sha256
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=waiting.pk)
    went = attachments(mailoutbox[-1])
    assert hidden.last_name.encode() not in went["signatures.csv"]
    assert "1 of these signers asked to be named" in pdf_text(went["letter.pdf"])

    # The embassy has the list it was sent: the copy on file stays what it received.
    sent = Delivery.objects.get(pk=sent.pk)
    assert (_on_file(sent.signatures_csv), sent.csv_sha256) == (sent_list, sent_hash)
    assert "already been given to the authorities" in page and "cannot be recalled" in page
    trail = dict(
        AccessEvent.objects.filter(action=AccessEvent.Action.HID_NAMES).values_list(
            "target", "actor"
        )
    )
    assert trail == {
        f"deliveries.Delivery #{waiting.pk}: list not yet sent rewritten": None,
        f"deliveries.Delivery #{sent.pk}: list already sent, cannot be recalled": None,
    }


def test_the_download_of_a_list_rewritten_after_a_name_was_hidden_counts_what_it_holds(
    client, petition, ministry, verified_staff_user, django_capture_on_commit_callbacks
):
    first_named, *_ = confirmed_signatures_create(petition, 6)  # two ask to be named
    waiting = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    with django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(signatures=petition.signatures.filter(pk=first_named.pk))
    login_verified(client, verified_staff_user)

    signers = client.get(reverse("admin:deliveries_delivery_signatures", args=[waiting.pk]))

    names = csv_rows(b"".join(signers.streaming_content))
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.row_count == len(names) == 1


def test_a_name_hidden_while_the_list_was_being_sent_leaves_it_when_the_server_says_later(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    def hidden_mid_send(*_args, **_kwargs):
        # Staff hide the name while the embassy's server is being talked to; it says "later".
        signatures_name_hide(signatures=petition.signatures.filter(pk=hidden.pk))
        raise smtplib.SMTPRecipientsRefused({embassy.email: (451, b"4.7.1 Try again later")})

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=hidden_mid_send):
        assert delivery_send(delivery_id=delivery.pk) is False

    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.READY
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)
    trail = AccessEvent.objects.filter(action=AccessEvent.Action.HID_NAMES)
    assert sorted(trail.values_list("target", flat=True)) == [
        f"deliveries.Delivery #{delivery.pk}: list being sent, cannot be recalled",
        f"deliveries.Delivery #{delivery.pk}: list rewritten before sending",
    ]


def test_a_list_whose_rewrite_failed_when_a_name_was_hidden_is_written_again_before_it_goes(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    full_disk = mock.patch("deliveries.files.delivery_files_write", side_effect=OSError(28, "full"))
    with full_disk, pytest.raises(OSError):
        signatures_name_hide(signatures=petition.signatures.filter(pk=hidden.pk))

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)


def test_a_name_hidden_while_a_sender_that_then_died_held_the_list_leaves_it_before_the_resend(
    settings, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    # A sender claimed it and was killed before the server answered.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS + 1),
    )
    signatures_name_hide(signatures=petition.signatures.filter(pk=hidden.pk))

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_interrupted_resume() == 1

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)


def test_a_name_hidden_is_journaled_even_when_a_list_not_yet_sent_cannot_be_written_again(
    settings, tmp_path, petition, embassy, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "erasure-journal"
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    def storage_down(**_kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(files, "delivery_files_write", storage_down)
    with django_capture_on_commit_callbacks() as committed, pytest.raises(OSError):
        signatures_name_hide(signatures=petition.signatures.filter(pk=hidden.pk))
    for callback in committed:  # the admin runs in autocommit: each statement commits
        callback()

    # The name is hidden in the database; without its line, restoring a backup names it again.
    assert Signature.objects.get(pk=hidden.pk).name_review == Signature.NameReview.HIDDEN
    assert [entry.signature_id for entry in erasure_journal_entries()] == [hidden.pk]

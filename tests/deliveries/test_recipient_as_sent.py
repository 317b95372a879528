"""The public record names the recipient as it was when sent, whatever it is called now."""

import hashlib
import importlib
import json

import pytest
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation

from deliveries import batches
from deliveries.letter_content import letter_content_for, recipient_as_named
from deliveries.models import Delivery
from deliveries.sending import delivery_send
from petitions.ledger import ledger_daily_append
from petitions.models import LedgerEntry, Target
from tests.deliveries.factories import address_approved, confirmed_signatures_create
from tests.deliveries.helpers import attachments, pdf_text
from tests.factories import PetitionFactory, TargetFactory

pytestmark = pytest.mark.django_db

SENT_TO = "Ambassade de Chine en France"
RENAMED = "Ambassade de la République populaire de Chine en France"


def embassy_rename(embassy):
    embassy.name = "Ambassadeur de la République populaire de Chine"
    embassy.organisation = RENAMED
    embassy.save()


@pytest.fixture
def delivered(petition, embassy, run):
    confirmed_signatures_create(petition, 12)
    run(petition=petition)
    assert Delivery.objects.sent().filter(target=embassy).exists()
    return petition


def test_the_proof_of_delivery_names_the_embassy_as_it_was_called_when_sent(
    client, delivered, embassy
):
    embassy_rename(embassy)

    page = client.get(
        reverse("deliveries:petition_deliveries", kwargs={"slug": delivered.slug})
    ).content.decode()

    assert SENT_TO in page
    assert RENAMED not in page


def test_the_english_proof_names_the_embassy_in_english_as_it_was_called_when_sent(
    client, petition, embassy, run
):
    embassy.organisation_en = "Embassy of China in France"
    embassy.save()
    confirmed_signatures_create(petition, 4)
    run(petition=petition)
    embassy.organisation_en = "Embassy of the People's Republic of China in France"
    embassy.save()

    with translation.override("en"):
        url = reverse("deliveries:petition_deliveries", kwargs={"slug": petition.slug})
    page = client.get(url).content.decode()

    assert "Embassy of China in France" in page
    assert "People" not in page


def test_a_delivery_the_ledger_records_after_a_rename_names_the_embassy_it_went_to(
    client, delivered, embassy
):
    # The worker died before writing the ledger; the embassy was renamed before beat's daily
    # entry wrote the delivery's entry in its place.
    delivered.ledger_entries.all().delete()
    embassy_rename(embassy)
    ledger_daily_append()

    ledger_page = client.get(reverse("petitions:ledger", kwargs={"slug": delivered.slug}))
    ledger_json = client.get(reverse("petitions:ledger_json", kwargs={"slug": delivered.slug}))

    assert SENT_TO in ledger_page.content.decode()
    assert RENAMED not in ledger_page.content.decode()
    recipients = {
        json.loads(entry["body"])["delivery"]["target"]
        for entry in ledger_json.json()["entries"]
        if "delivery" in json.loads(entry["body"])
    }
    assert recipients == {SENT_TO, "Ministry of Foreign Affairs of the PRC"}
    call_command("ledger_verify", petition=delivered.slug)


def readonly_field(value: str) -> str:
    """Return how the admin shows a read-only field's value."""
    return f'<div class="readonly">{value}</div>'


def test_staff_see_the_name_a_delivery_was_sent_to_and_the_target_as_named_today(
    verified_staff_client, delivered, embassy
):
    embassy_rename(embassy)
    sent = Delivery.objects.get(target=embassy)

    page = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[sent.pk])
    ).content.decode()
    listing = verified_staff_client.get(
        reverse("admin:deliveries_delivery_changelist")
    ).content.decode()

    assert readonly_field(f"Ambassadeur de Chine en France ({SENT_TO})") in page
    assert f'<td class="field-recipient">Ambassadeur de Chine en France ({SENT_TO})</td>' in (
        listing
    )
    # The target itself, renamed, stays one click away.
    target_url = reverse("admin:petitions_target_change", args=[embassy.pk])
    assert f'<a href="{target_url}">Ambassadeur de la République populaire de Chine' in page


def test_a_delivery_not_sent_yet_names_the_embassy_as_it_is_called_now(
    verified_staff_client, petition, embassy
):
    confirmed_signatures_create(petition, 3)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    embassy_rename(embassy)

    page = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[ready.pk])
    ).content.decode()

    assert readonly_field(f"Ambassadeur de la République populaire de Chine ({RENAMED})") in page
    assert SENT_TO not in page


def test_deliveries_sent_before_names_were_recorded_are_given_the_name_of_today(petition, embassy):
    from django.apps import apps

    migration = importlib.import_module("deliveries.migrations.0017_recipient_as_sent")
    sent, pending = (
        Delivery.objects.create(
            petition=petition,
            target=embassy,
            language="fr",
            reference=reference,
            status=status,
            sent_at=timezone.now() if status == Delivery.Status.SENT else None,
        )
        for reference, status in (("sent", Delivery.Status.SENT), ("ready", Delivery.Status.READY))
    )
    embassy_rename(embassy)

    migration.recipient_as_sent_fill(apps, None)

    sent.refresh_from_db()
    pending.refresh_from_db()
    # The migration cannot know an earlier name: the target's, as it is when it runs.
    assert (sent.recipient_name_fr, sent.recipient_organisation_fr) == (
        "Ambassadeur de la République populaire de Chine",
        RENAMED,
    )
    assert (pending.recipient_name_fr, pending.recipient_organisation_fr) == (None, None)


@pytest.mark.parametrize("organisation", ["", "Consulat général de Chine à Lyon"])
def test_the_ledger_the_proof_and_staff_name_a_recipient_as_its_target_is_named(
    client, run, organisation
):
    # A consul written to in person has no organisation: every record names the person.
    consul = address_approved(
        TargetFactory(
            name="Consul général de Chine",
            organisation=organisation,
            email="consul@consulat.test",
            language="fr",
        )
    )
    petition = PetitionFactory(slug="pour-mamat", targets=[consul])
    confirmed_signatures_create(petition, 3)
    run(petition=petition)
    delivery = Delivery.objects.sent().get(target=consul)
    shown = organisation or "Consul général de Chine"

    entry = petition.ledger_entries.get(event=LedgerEntry.Event.DELIVERY)
    proof = client.get(
        reverse("deliveries:petition_deliveries", kwargs={"slug": petition.slug})
    ).content.decode()

    assert json.loads(entry.body)["delivery"]["target"] == shown
    assert delivery.recipient_shown() == shown
    assert f">{shown}</td>" in proof
    # Staff read the delivery's recipient as they read the target itself.
    assert delivery.recipient_full() == str(consul)
    assert str(consul) == (
        f"Consul général de Chine ({organisation})" if organisation else "Consul général de Chine"
    )


def test_an_embassy_renamed_between_its_letter_and_the_sending_is_sent_a_letter_in_its_new_name(
    client, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    with ready.letter_pdf.open("rb") as letter:
        assert SENT_TO in pdf_text(letter.read())
    # Staff correct the embassy's name while its delivery waits (the server said "later").
    embassy_rename(embassy)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=ready.pk)

    # The letter, the email and every record of the delivery name the embassy alike.
    sent = Delivery.objects.get(pk=ready.pk)
    letter = attachments(mailoutbox[-1])["letter.pdf"]
    assert RENAMED in " ".join(pdf_text(letter).split())
    assert SENT_TO not in pdf_text(letter)
    assert hashlib.sha256(letter).hexdigest() == sent.letter_sha256
    assert RENAMED in mailoutbox[-1].body
    assert sent.recipient_shown() == RENAMED
    entry = petition.ledger_entries.get(event=LedgerEntry.Event.DELIVERY)
    assert json.loads(entry.body)["delivery"]["target"] == RENAMED
    proof = client.get(reverse("deliveries:petition_deliveries", kwargs={"slug": petition.slug}))
    assert RENAMED in proof.content.decode()


def test_a_letter_whose_embassy_kept_its_name_goes_as_it_was_written(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=ready.pk)

    went = attachments(mailoutbox[-1])["letter.pdf"]
    assert hashlib.sha256(went).hexdigest() == ready.letter_sha256
    assert Delivery.objects.get(pk=ready.pk).recipient_shown() == SENT_TO


def test_a_letter_written_before_names_were_recorded_is_written_again_before_it_goes(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    # Built before the site recorded names with letters: whom its letter names is not known.
    Delivery.objects.filter(pk=ready.pk).update(
        recipient_recorded=False, recipient_name_fr=None, recipient_organisation_fr=None
    )
    embassy_rename(embassy)

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=ready.pk)

    sent = Delivery.objects.get(pk=ready.pk)
    letter = attachments(mailoutbox[-1])["letter.pdf"]
    assert RENAMED in " ".join(pdf_text(letter).split())
    assert hashlib.sha256(letter).hexdigest() == sent.letter_sha256 != ready.letter_sha256
    assert (sent.recipient_recorded, sent.recipient_shown()) == (True, RENAMED)


def test_an_embassy_given_a_new_title_after_its_letter_was_written_is_sent_a_letter_with_it(
    client, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    ready = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    # The ambassador left: staff write to the chargé d'affaires, the embassy's name unchanged.
    embassy.title = "Chargé d'affaires par intérim"
    embassy.save()

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=ready.pk)

    sent = Delivery.objects.get(pk=ready.pk)
    letter = attachments(mailoutbox[-1])["letter.pdf"]
    lines = pdf_text(letter).splitlines()
    assert "Chargé d'affaires par intérim" in lines
    # Greeted by the new title, no longer as the ambassador the name alone suggested.
    assert "Madame, Monsieur," in lines and "Monsieur l'Ambassadeur," not in lines
    assert hashlib.sha256(letter).hexdigest() == sent.letter_sha256 != ready.letter_sha256
    assert sent.recipient_title == "Chargé d'affaires par intérim"
    call_command("ledger_verify", petition=petition.slug)


def test_whatever_the_letter_prints_of_its_target_is_recorded_with_it(petition, embassy):
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    def letter_and_record(target):
        delivery.target = target
        with translation.override(delivery.language):
            return letter_content_for(delivery=delivery), recipient_as_named(target=target)

    letter_before, recorded_before = letter_and_record(Target.objects.get(pk=embassy.pk))
    changing_the_letter = []
    # Each of the target's texts changed in turn (every language's column, its address too):
    # one the letter prints must change what is recorded with it, or the check before sending
    # would let the letter go as it was.
    for field in Target._meta.concrete_fields:
        if not isinstance(field, models.CharField):
            continue
        target = Target.objects.get(pk=embassy.pk)
        setattr(target, field.attname, "Changé le lendemain")
        letter, recorded = letter_and_record(target)
        if letter != letter_before:
            changing_the_letter.append(field.attname)
            assert recorded != recorded_before, f"{field.attname} changes the letter unrecorded"

    assert {"name_fr", "title_fr", "organisation_fr"} <= set(changing_the_letter)


def test_letters_not_sent_when_titles_began_to_be_recorded_are_written_again_before_they_go(
    petition, embassy
):
    from django.apps import apps

    migration = importlib.import_module(
        "deliveries.migrations.0019_recipient_title_recorded_with_letter"
    )
    for status in Delivery.Status.values:
        Delivery.objects.create(
            petition=petition,
            target=embassy,
            language="fr",
            reference=status,
            status=status,
            sent_at=timezone.now() if status == Delivery.Status.SENT else None,
            recipient_recorded=True,
        )

    migration.letters_not_sent_written_again(apps, None)

    recorded = dict(Delivery.objects.values_list("status", "recipient_recorded"))
    assert recorded == {
        # Whatever title their letter printed, it is written again before it goes.
        Delivery.Status.BUILDING: False,
        Delivery.Status.READY: False,
        Delivery.Status.FAILED: False,
        # Gone, or going: the ledger still checks the name they recorded.
        Delivery.Status.SENDING: True,
        Delivery.Status.SENT: True,
    }

"""Each delivery sent is a signed entry of the ledger; a file hash changed later is caught."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from deliveries.models import Delivery
from petitions.models import LedgerEntry
from tests.deliveries.factories import confirmed_signatures_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(petition, run):
    confirmed_signatures_create(petition, 12)
    run(petition=petition)
    return petition


def test_a_delivery_sent_is_recorded_with_its_counts_and_files_sha256(delivered):
    entries = delivered.ledger_entries.filter(event=LedgerEntry.Event.DELIVERY)
    sent = Delivery.objects.sent().filter(petition=delivered)

    assert entries.count() == sent.count() == 2
    recorded = {json.loads(entry.body)["delivery"]["id"]: entry for entry in entries}
    for delivery in sent:
        detail = json.loads(recorded[delivery.pk].body)["delivery"]
        assert detail["new_signatures"] == 12
        assert detail["files_sha256"]["letter.pdf"] == delivery.letter_sha256
        assert json.loads(recorded[delivery.pk].body)["confirmed_total"] == 12


def test_a_file_hash_changed_in_the_database_fails_naming_the_delivery_entry(delivered):
    delivery = Delivery.objects.filter(petition=delivered).order_by("pk").first()
    entry = next(
        entry
        for entry in delivered.ledger_entries.filter(event=LedgerEntry.Event.DELIVERY)
        if json.loads(entry.body)["delivery"]["id"] == delivery.pk
    )
    call_command("ledger_verify", petition=delivered.slug)
    Delivery.objects.filter(pk=delivery.pk).update(letter_sha256="0" * 64)

    with pytest.raises(CommandError, match=f"entry {entry.sequence}: delivery {delivery.pk}"):
        call_command("ledger_verify", petition=delivered.slug)


def test_a_delivery_the_ledger_missed_is_written_before_the_day_entry(delivered):
    delivered.ledger_entries.all().delete()
    from petitions.ledger import ledger_daily_append

    ledger_daily_append()

    assert list(delivered.ledger_entries.values_list("event", flat=True)) == [
        "delivery",
        "delivery",
        "daily",
    ]


def test_a_recipient_renamed_after_a_delivery_leaves_the_ledger_true(delivered, embassy):
    # Staff correct the embassy's name after it was delivered to: nothing that was sent
    # changed, so the ledger still checks, and a file hash changed still fails it.
    embassy.organisation = "Ambassade de la République populaire de Chine en France"
    embassy.save()

    call_command("ledger_verify", petition=delivered.slug)

    Delivery.objects.filter(target=embassy).update(csv_sha256="0" * 64)
    with pytest.raises(CommandError, match="no longer matches"):
        call_command("ledger_verify", petition=delivered.slug)


def test_a_recipient_changed_in_the_database_after_sending_fails_naming_the_delivery_entry(
    delivered, embassy
):
    # Someone rewrites whom the signatures went to: the ledger, signed when they went, says
    # otherwise.
    delivery = Delivery.objects.get(target=embassy)
    entry = next(
        entry
        for entry in delivered.ledger_entries.filter(event=LedgerEntry.Event.DELIVERY)
        if json.loads(entry.body)["delivery"]["id"] == delivery.pk
    )
    call_command("ledger_verify", petition=delivered.slug)
    Delivery.objects.filter(pk=delivery.pk).update(
        recipient_organisation_fr="Ministère chinois de la Sécurité d'État"
    )

    with pytest.raises(CommandError, match=f"entry {entry.sequence}: delivery {delivery.pk}"):
        call_command("ledger_verify", petition=delivered.slug)


def test_an_entry_written_in_english_is_checked_against_the_english_name(petition, embassy, run):
    # Staff working in English delivered now: the entry names the embassy in English.
    embassy.organisation_en = "Embassy of China in France"
    embassy.save()
    confirmed_signatures_create(petition, 4)
    with translation.override("en"):
        run(petition=petition, target_ids=[embassy.pk])
    entry = petition.ledger_entries.get(event=LedgerEntry.Event.DELIVERY)
    assert json.loads(entry.body)["delivery"]["target"] == "Embassy of China in France"

    call_command("ledger_verify", petition=petition.slug)

    Delivery.objects.filter(target=embassy).update(recipient_organisation_en="Embassy of Nobody")
    with pytest.raises(CommandError, match="no longer matches"):
        call_command("ledger_verify", petition=petition.slug)


def test_a_delivery_sent_before_names_were_recorded_keeps_a_true_ledger_under_a_later_name(
    delivered, embassy
):
    # Sent before 0017, whose fill gave it the embassy's name of that day, renamed since the
    # entry was written: nothing that was sent changed.
    Delivery.objects.filter(target=embassy).update(
        recipient_recorded=False,
        recipient_organisation_fr="Ambassade de la République populaire de Chine en France",
    )

    call_command("ledger_verify", petition=delivered.slug)

    Delivery.objects.filter(target=embassy).update(letter_sha256="0" * 64)
    with pytest.raises(CommandError, match="no longer matches"):
        call_command("ledger_verify", petition=delivered.slug)

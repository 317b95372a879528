"""Staff see every delivery, download the exact files sent, resend a failed one, deliver now."""

import hashlib

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from deliveries import batches
from deliveries.models import Delivery, DeliverySchedule
from deliveries.sending import delivery_send
from petitions import erasure
from petitions.models import Signature
from petitions.name_review import signatures_name_hide
from staff.models import AccessEvent
from tests.deliveries.factories import confirmed_signatures_create
from tests.deliveries.helpers import csv_rows
from tests.factories import PetitionFactory
from tests.staff_fixtures import login_verified, staff_user_create


@pytest.fixture
def delivery(petition, embassy):
    confirmed_signatures_create(petition, 6)
    return batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)


def staff_with(*codenames, username="clerk"):
    user = staff_user_create(username)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="deliveries", codename__in=codenames)
    )
    return user


def test_staff_see_each_delivery_with_its_status_and_counts(verified_staff_client, delivery):
    response = verified_staff_client.get(reverse("admin:deliveries_delivery_changelist"))

    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert (row.pk, row.status, row.total_count, row.named_count) == (
        delivery.pk,
        Delivery.Status.READY,
        6,
        2,
    )
    detail = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[delivery.pk])
    )
    assert delivery.letter_sha256 in detail.content.decode()
    assert reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]).encode() in (
        detail.content
    )


def test_staff_download_the_exact_files_and_each_list_download_is_trailed(client, delivery):
    user = staff_with("view_delivery")
    user.user_permissions.add(Permission.objects.get(codename="view_signer_contact"))
    login_verified(client, user)

    letter = client.get(reverse("admin:deliveries_delivery_letter", args=[delivery.pk]))
    signers = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    assert hashlib.sha256(b"".join(letter.streaming_content)).hexdigest() == delivery.letter_sha256
    assert hashlib.sha256(b"".join(signers.streaming_content)).hexdigest() == delivery.csv_sha256
    assert "no-store" in signers["Cache-Control"]
    assert "attachment" in signers["Content-Disposition"]
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert (event.actor, event.target, event.row_count) == (
        user,
        f"deliveries.Delivery #{delivery.pk}",
        2,
    )


def test_once_a_named_signer_is_erased_the_trail_counts_the_names_the_file_still_holds(
    client, delivery, django_capture_on_commit_callbacks
):
    user = staff_with("view_delivery")
    user.user_permissions.add(Permission.objects.get(codename="view_signer_contact"))
    login_verified(client, user)
    first_named = delivery.petition.signatures.filter(name_in_delivery=True).order_by("pk")[0]
    with django_capture_on_commit_callbacks(execute=True):
        erasure.signatures_anonymise(signatures=Signature.objects.filter(pk=first_named.pk))

    signers = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    names = csv_rows(b"".join(signers.streaming_content))
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert len(names) == 1  # the delivery named two; one of them was erased since
    assert event.row_count == len(names)


def test_a_list_download_is_trailed_with_the_names_the_file_holds_whatever_changed_since(
    client, delivery, mailoutbox, django_capture_on_commit_callbacks
):
    # Hiding a name keeps it out of lists not sent yet; a list sent is on file as it went.
    user = staff_with("view_delivery")
    user.user_permissions.add(Permission.objects.get(codename="view_signer_contact"))
    login_verified(client, user)
    assert delivery_send(delivery_id=delivery.pk)
    with django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(
            actor=None, signatures=delivery.petition.signatures.filter(name_in_delivery=True)
        )

    signers = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    names = csv_rows(b"".join(signers.streaming_content))
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.row_count == len(names) == 2


def test_staff_without_the_permission_cannot_download(client, delivery):
    login_verified(client, staff_with(username="volunteer"))

    response = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    assert response.status_code == 403
    assert not AccessEvent.objects.filter(action=AccessEvent.Action.EXPORTED_SIGNATURES).exists()


def test_staff_without_a_second_factor_cannot_download(client, delivery):
    user = staff_with("view_delivery", username="half-logged")
    client.force_login(user)

    response = client.get(reverse("admin:deliveries_delivery_signatures", args=[delivery.pk]))

    assert response.status_code == 302
    assert not response.has_header("Content-Disposition")


def test_staff_resend_a_failed_delivery(
    client, delivery, mailoutbox, django_capture_on_commit_callbacks
):
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.FAILED, error="ESP down")
    login_verified(client, staff_with("view_delivery", "send_delivery"))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:deliveries_delivery_changelist"),
            {"action": "resend_failed", "_selected_action": [delivery.pk]},
            follow=True,
        )

    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert [message.to for message in mailoutbox] == [[delivery.target.email]]


def test_resending_needs_the_send_permission(client, delivery):
    login_verified(client, staff_with("view_delivery"))

    response = client.get(reverse("admin:deliveries_delivery_changelist"))

    assert response.context["action_form"] is None  # no action this user may take


def test_deliveries_can_be_neither_added_nor_deleted(verified_staff_client, delivery):
    assert verified_staff_client.get(reverse("admin:deliveries_delivery_add")).status_code == 403
    assert (
        verified_staff_client.post(
            reverse("admin:deliveries_delivery_delete", args=[delivery.pk])
        ).status_code
        == 403
    )


def test_a_delivery_says_in_words_whether_it_sends_names(verified_staff_client, delivery):
    detail = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[delivery.pk]),
        headers={"accept-language": "en"},
    ).content.decode()

    assert "The letter, and the list of the signers who asked to be named." in detail


def test_a_delivery_names_its_language_in_the_readers_words(verified_staff_client, delivery):
    detail = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[delivery.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()

    assert delivery.language == "fr"
    assert '<div class="readonly">Français</div>' in detail


def test_a_delivery_being_sent_reads_en_cours_d_envoi_under_its_sending_section(
    verified_staff_client, delivery
):
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING)

    detail = verified_staff_client.get(
        reverse("admin:deliveries_delivery_change", args=[delivery.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()
    listing = verified_staff_client.get(
        reverse("admin:deliveries_delivery_changelist"), headers={"accept-language": "fr"}
    ).content.decode()

    # "Envoi" named both the section and the state: a delivery stuck there read as a heading.
    assert "En cours d’envoi" in detail and "En cours d’envoi" in listing
    assert '<h2 id="fieldset-0-3-heading" class="fieldset-heading">Envoi</h2>' in detail
    assert ">Envoyée</a>" in listing  # the status filter: "une remise", feminine


def test_the_schedule_list_says_in_a_line_when_each_petition_delivers_and_whether_it_runs(
    verified_staff_client,
):
    schedules = {
        "both": {"every_days": 30, "threshold": 1000},
        "daily": {"every_days": 1, "is_active": False},
        # As the site's own schedule starts: off until a target's address is approved.
        "threshold": {"threshold": 1, "is_active": False, "waits_for_address": True},
        "by-hand": {},
    }
    for slug, fields in schedules.items():
        petition = PetitionFactory(slug=slug, title_fr=f"Pétition {slug}")
        DeliverySchedule.objects.create(petition=petition, **fields)

    page = verified_staff_client.get(
        reverse("admin:deliveries_deliveryschedule_changelist"), headers={"accept-language": "fr"}
    ).content.decode()

    def row(slug: str) -> str:
        return next(row for row in page.split("<tr")[1:] if f">Pétition {slug}</a>" in row)

    assert "Tous les 30 jours, ou dès que 1\u00a0000 nouvelles signatures attendent" in row("both")
    assert ">Actif<" in row("both")
    assert ">Tous les jours<" in row("daily") and ">Arrêté<" in row("daily")
    assert ">Dès que 1 nouvelle signature attend<" in row("threshold")
    assert ">Attend une adresse approuvée<" in row("threshold")
    assert ">Seulement par «\u00a0Remettre maintenant\u00a0»<" in row("by-hand")
    assert 'id="changelist-filter"' not in page  # a handful of schedules: nothing to filter

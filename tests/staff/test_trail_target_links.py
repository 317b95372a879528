"""Staff read what a trail entry touched as the thing it is ("remise n° 4"), and open its page
when it is still there and theirs to open; never a signer's name or address."""

import html

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliveries.models import Delivery
from staff.access_trail import access_event_record
from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory
from tests.staff_fixtures import login_verified, staff_user_create

pytestmark = pytest.mark.django_db

Action, Note = AccessEvent.Action, AccessEvent.Note
TRAIL_URL = reverse("admin:staff_accessevent_changelist")
FRENCH, ENGLISH = {"accept-language": "fr"}, {"accept-language": "en"}
NBSP = "\N{NO-BREAK SPACE}"


def _delivery() -> Delivery:
    petition = PetitionFactory()
    return Delivery.objects.create(
        petition=petition, target=petition.targets.get(), language="fr", reference="ref"
    )


def _delivery_list_rewritten(delivery: Delivery) -> AccessEvent:
    return access_event_record(
        actor=None,
        action=Action.HID_NAMES,
        target=f"deliveries.Delivery #{delivery.pk}",
        note=Note.LIST_NOT_YET_SENT_REWRITTEN,
    )


def _page(client, language_header: dict[str, str], **search) -> str:
    response = client.get(TRAIL_URL, search, headers=language_header)
    assert response.status_code == 200
    return response.content.decode()


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _trail_reader_only(client):
    """Log in a staff member who may read the trail and nothing else."""
    reader = staff_user_create("trail-reader")
    reader.user_permissions.add(Permission.objects.get(codename="view_accessevent"))
    login_verified(client, reader)
    return client


def test_a_delivery_reads_in_french_as_its_name_and_number_linked_to_its_page(
    verified_staff_client,
):
    delivery = _delivery()
    _delivery_list_rewritten(delivery)

    page = _page(verified_staff_client, FRENCH)

    link = f'<a href="{_change_url(delivery)}">remise n°{NBSP}{delivery.pk}</a>'
    assert f"{link}{NBSP}: liste pas encore envoyée réécrite" in page
    assert "deliveries.Delivery" not in page


def test_the_same_entry_reads_in_english_as_delivery_no(verified_staff_client):
    delivery = _delivery()
    _delivery_list_rewritten(delivery)

    page = _page(verified_staff_client, ENGLISH)

    link = f'<a href="{_change_url(delivery)}">delivery no. {delivery.pk}</a>'
    assert f"{link}: list not yet sent rewritten" in page


def test_the_entry_s_own_page_links_to_the_delivery_too(verified_staff_client):
    delivery = _delivery()
    entry = _delivery_list_rewritten(delivery)

    response = verified_staff_client.get(_change_url(entry), headers=FRENCH)

    assert response.status_code == 200
    assert f'<a href="{_change_url(delivery)}">remise n°{NBSP}{delivery.pk}</a>' in (
        response.content.decode()
    )


def test_staff_who_may_not_open_deliveries_read_the_reference_without_a_link(client):
    delivery = _delivery()
    _delivery_list_rewritten(delivery)

    page = _page(_trail_reader_only(client), FRENCH)

    assert f'<td class="field-what_was_touched">remise n°{NBSP}{delivery.pk}{NBSP}: ' in page
    assert _change_url(delivery) not in page


def test_an_erased_signature_reads_as_its_number_without_a_link(verified_staff_client):
    signature = SignatureFactory()
    verified_staff_client.get(_change_url(signature))  # trailed as petitions.Signature #n
    erased_page, number = _change_url(signature), signature.pk
    signature.delete()

    page = _page(verified_staff_client, FRENCH)

    assert f'<td class="field-what_was_touched">signature n°{NBSP}{number}</td>' in page
    assert erased_page not in page


def test_the_trail_links_a_signature_but_never_shows_who_signed(verified_staff_client):
    signature = SignatureFactory(
        first_name="Abdurehim", last_name="Tursun", email="abdurehim.tursun@example.org"
    )
    verified_staff_client.get(_change_url(signature))

    page = _page(verified_staff_client, FRENCH)

    assert f'<a href="{_change_url(signature)}">signature n°{NBSP}{signature.pk}</a>' in page
    for personal in ("Abdurehim", "Tursun", "abdurehim.tursun@example.org"):
        assert personal not in page


def test_an_entry_written_in_english_before_the_codes_links_to_its_delivery_too(
    verified_staff_client,
):
    delivery = _delivery()
    AccessEvent.objects.create(
        action=Action.HID_NAMES,
        target=f"deliveries.Delivery #{delivery.pk}: list already sent, cannot be recalled",
    )

    page = _page(verified_staff_client, FRENCH)

    link = f'<a href="{_change_url(delivery)}">remise n°{NBSP}{delivery.pk}</a>'
    assert f"{link}{NBSP}: liste déjà envoyée, impossible de la rappeler" in page


def _trail_page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        _page(client, FRENCH)
    return len(queries)


def test_a_page_of_the_trail_costs_the_same_queries_for_five_rows_as_for_a_hundred(
    verified_staff_client,
):
    deliveries = [_delivery() for _ in range(3)]
    signatures = SignatureFactory.create_batch(3)

    def entries(count: int) -> None:
        for index in range(count):
            delivery = deliveries[index % len(deliveries)]
            _delivery_list_rewritten(delivery)
            access_event_record(
                actor=None,
                action=Action.VIEWED_SIGNATURE,
                target=f"petitions.Signature #{signatures[index % len(signatures)].pk}",
            )
            # A signature erased since: looked for, not found.
            access_event_record(
                actor=None,
                action=Action.VIEWED_SIGNATURE,
                target=f"petitions.Signature #{10_000_000 + index}",
            )

    entries(2)
    few = _trail_page_queries(verified_staff_client)
    entries(31)
    assert AccessEvent.objects.count() > 90
    many = _trail_page_queries(verified_staff_client)

    assert many == few


def _found(client, language_header: dict[str, str], search: str) -> set[str]:
    response = client.get(TRAIL_URL, {"q": search}, headers=language_header)
    return {event.target for event in response.context["cl"].result_list}


def test_staff_find_a_delivery_s_entries_by_what_they_read(verified_staff_client):
    for target in (
        "deliveries.Delivery #4",
        "deliveries.Delivery #4: list on file rewritten",  # written in English, before codes
        "deliveries.Delivery #40",
        "deliveries.Delivery #14",
        "petitions.Signature #4",
    ):
        AccessEvent.objects.create(action=Action.ERASED_SIGNER, target=target)
    delivery_4 = {"deliveries.Delivery #4", "deliveries.Delivery #4: list on file rewritten"}

    assert _found(verified_staff_client, FRENCH, "remise n° 4") == delivery_4
    assert _found(verified_staff_client, FRENCH, "Remise n°4") == delivery_4
    assert _found(verified_staff_client, ENGLISH, "delivery no. 4") == delivery_4
    assert _found(verified_staff_client, FRENCH, "delivery no. 4") == delivery_4
    assert _found(verified_staff_client, FRENCH, "remises") == delivery_4 | {
        "deliveries.Delivery #40",
        "deliveries.Delivery #14",
    }
    # The search box says so.
    assert f"tel que la liste l’affiche («\N{NARROW NO-BREAK SPACE}remise n°{NBSP}4" in _page(
        verified_staff_client, FRENCH
    )
    # The stored form is still found as it is stored.
    assert _found(verified_staff_client, FRENCH, "Delivery #40") == {"deliveries.Delivery #40"}


def test_a_username_that_looks_like_a_model_is_read_as_a_username(verified_staff_client):
    access_event_record(
        actor=None, action=Action.ACCOUNT_UNLOCKED, target="petitions.Signature", note=Note.ACCOUNT
    )

    page = _page(verified_staff_client, FRENCH)

    assert f'<td class="field-what_was_touched">{html.escape("compte petitions.Signature")}' in (
        page
    )

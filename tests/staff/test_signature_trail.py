"""The real signature admin leaves a trail entry for each look at signature data."""

import pytest
from django.urls import reverse

from staff.access_trail import search_fingerprint
from staff.models import AccessEvent
from tests.factories import SignatureFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def signature(db):
    return SignatureFactory(first_name="Abdurehim", last_name="Tursun")


def test_opening_a_signature_is_trailed_by_number_only(verified_staff_client, signature):
    response = verified_staff_client.get(
        reverse("admin:petitions_signature_change", args=[signature.pk])
    )

    assert response.status_code == 200
    event = AccessEvent.objects.get(action=AccessEvent.Action.VIEWED_SIGNATURE)
    assert event.actor_username == "verified-admin"
    assert event.target == f"petitions.Signature #{signature.pk}"
    assert "Tursun" not in f"{event.target} {event.query}"


def test_searching_signatures_is_trailed_with_the_search_and_row_count(
    verified_staff_client, signature
):
    response = verified_staff_client.get(
        reverse("admin:petitions_signature_changelist"),
        {"q": "Tursun", "status__exact": signature.status},
    )

    assert response.status_code == 200
    event = AccessEvent.objects.get(action=AccessEvent.Action.SEARCHED_SIGNATURES)
    assert event.query == {
        "search_fingerprint": search_fingerprint("Tursun"),
        "search_words": 1,
        "filters": {"status__exact": [signature.status]},
    }
    assert event.row_count == 1


def test_an_address_typed_as_a_filter_is_refused_and_never_kept_in_the_trail(
    verified_staff_client, signature
):
    # The search box is the way to look for an address: the trail keeps its fingerprint.
    response = verified_staff_client.get(
        reverse("admin:petitions_signature_changelist"), {"email": signature.email}
    )

    assert response.status_code == 400
    assert signature.email not in str(list(AccessEvent.objects.values_list("query", flat=True)))


@pytest.mark.parametrize("role", [DATA_OFFICERS, PETITION_MANAGERS])
def test_the_admin_autocomplete_finds_no_signer_past_the_trail(client, signature, role):
    # No form of the admin completes a signature: Django's view would still search the signers
    # for a relation to them (an update's recipients, a delivery's signers), and trail nothing.
    logged_in_as(client, role)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "updates",
            "model_name": "updaterecipient",
            "field_name": "signature",
            "term": signature.email if role == DATA_OFFICERS else signature.first_name,
        },
    )

    assert response.status_code == 403
    assert b"results" not in response.content

"""A signer whose name went to the authorities is told, before withdrawing, what stays with them."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from deliveries import batches
from petitions.models import Signature
from petitions.signature_links import withdrawal_token_make
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create

WARNING = "Votre nom a déjà été remis aux autorités."


def _withdraw_page(client, signature: Signature) -> str:
    token = withdrawal_token_make(signature=signature)
    return client.get(reverse("petitions:withdraw", args=[token])).content.decode()


def test_a_named_signer_learns_that_the_authorities_keep_the_name_already_delivered(
    client, petition, embassy, django_capture_on_commit_callbacks
):
    named, unnamed = confirmed_signatures_create(petition, 2)  # the first asked to be named
    with django_capture_on_commit_callbacks(execute=True):
        delivery = batches.delivery_batch_create(petition=petition, target=embassy)
    delivery.refresh_from_db()
    assert delivery.sent_at is not None and delivery.named_count == 1

    page = _withdraw_page(client, named)

    assert WARNING in page
    day = date_format(localtime(delivery.sent_at), "DATE_FORMAT")  # "27 novembre 2026"
    assert f"Remis le {day}, destinataire\u00a0: Ambassade de Chine en France" in page
    assert WARNING not in _withdraw_page(client, unnamed)  # only the count went


def test_a_delivery_of_counts_only_gave_no_name_and_warns_no_one(
    client, petition, embassy, django_capture_on_commit_callbacks
):
    DeliveryScheduleFactory(petition=petition, counts_only=True)
    named, _ = confirmed_signatures_create(petition, 2)
    with django_capture_on_commit_callbacks(execute=True):
        batches.delivery_batch_create(petition=petition, target=embassy)

    assert WARNING not in _withdraw_page(client, named)

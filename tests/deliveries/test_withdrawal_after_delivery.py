"""A signer whose name went to the authorities is told, before withdrawing, what stays with them,
and the site's own copy of the list forgets them."""

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime

from deliveries import batches
from deliveries.models import Delivery
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


def test_a_named_signer_is_told_the_name_the_embassy_had_when_it_got_the_list(
    client, petition, embassy, django_capture_on_commit_callbacks
):
    named, _ = confirmed_signatures_create(petition, 2)
    with django_capture_on_commit_callbacks(execute=True):
        batches.delivery_batch_create(petition=petition, target=embassy)
    embassy.name = "Ambassadeur de la République populaire de Chine"
    embassy.organisation = "Ambassade de la République populaire de Chine en France"
    embassy.save()

    page = _withdraw_page(client, named)

    assert "destinataire\u00a0: Ambassade de Chine en France</li>" in page
    assert "République populaire" not in page


def test_a_delivery_of_counts_only_gave_no_name_and_warns_no_one(
    client, petition, embassy, django_capture_on_commit_callbacks
):
    DeliveryScheduleFactory(petition=petition, counts_only=True)
    named, _ = confirmed_signatures_create(petition, 2)
    with django_capture_on_commit_callbacks(execute=True):
        batches.delivery_batch_create(petition=petition, target=embassy)

    assert WARNING not in _withdraw_page(client, named)


def test_a_named_signer_who_withdraws_leaves_the_list_kept_on_file(
    client, petition, embassy, django_capture_on_commit_callbacks
):
    withdrawing, _, staying = confirmed_signatures_create(petition, 3, named_every=2)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = batches.delivery_batch_create(petition=petition, target=embassy)
    delivery.refresh_from_db()
    sent_hash = delivery.csv_sha256
    with delivery.signatures_csv.open("rb") as sent:
        assert withdrawing.last_name in sent.read().decode("utf-8-sig")

    token = withdrawal_token_make(signature=withdrawing)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("petitions:withdraw", args=[token]))

    delivery = Delivery.objects.get(pk=delivery.pk)
    with delivery.signatures_csv.open("rb") as on_file:
        kept = on_file.read().decode("utf-8-sig")
    assert withdrawing.last_name not in kept and withdrawing.first_name not in kept
    assert staying.last_name in kept
    assert delivery.files_changed_at is not None
    # The proof of delivery still shows the hash of the list as it was sent.
    assert delivery.csv_sha256 == sent_hash and delivery.named_count == 2
    assert not Signature.objects.filter(pk=withdrawing.pk).exists()

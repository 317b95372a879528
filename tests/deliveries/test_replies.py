"""Staff record what the target answered; the petition's page shows it, in French and English."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from deliveries import batches, sending
from deliveries.models import DeliveryReply
from deliveries.replies import delivery_reply_record
from petitions.models import Petition, Target
from tests.deliveries.factories import address_approved, confirmed_signatures_create
from tests.petitions.factories_staff import CAMPAIGN_EDITORS, PETITION_MANAGERS, logged_in_as
from tests.staff_fixtures import staff_user_create


@pytest.fixture
def sent_delivery(mamat_campaign):
    """The campaign's petition, delivered once to its embassy (whose real address was set)."""
    petition = Petition.objects.get(slug="liberez-mamat")
    target = petition.targets.get()
    Target.objects.filter(pk=target.pk).update(email="ambassade@embassy.test")
    target.refresh_from_db()
    address_approved(target)
    confirmed_signatures_create(petition, 4)
    delivery = batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_a_recorded_reply_appears_on_the_petition_page_in_french_and_english(client, sent_delivery):
    delivery_reply_record(
        delivery=sent_delivery,
        actor=staff_user_create("clerk"),
        tell_signers=False,
        received_on=datetime.date(2026, 11, 20),
        summary_fr="L'ambassade dit transmettre la pétition à Pékin.",
        summary_en="The embassy says it is passing the petition on to Beijing.",
        file=ContentFile(b"%PDF-1.4 reply", name="reply.pdf"),
    )

    french = client.get("/petition/liberez-mamat/").content.decode()
    english = client.get("/en/petition/liberez-mamat/").content.decode()

    assert "Réponse le 20 novembre 2026" in french
    assert escape("L'ambassade dit transmettre la pétition à Pékin.") in french
    assert "Replied on 20 November 2026" in english or "Replied on Nov. 20, 2026" in english
    assert "The embassy says it is passing the petition on to Beijing." in english
    assert escape("Embassy of the People's Republic of China in France") in english
    assert "reply.pdf" not in french + english  # the file is for staff only


def test_no_reply_after_some_days_is_said_as_plainly(client, sent_delivery):
    delivery_reply_record(
        delivery=sent_delivery, actor=None, days_without_reply=30, tell_signers=False
    )

    assert (
        "Pas de réponse 30 jours après la remise."
        in client.get("/petition/liberez-mamat/").content.decode()
    )
    assert (
        "No reply 30 days after the delivery."
        in client.get("/en/petition/liberez-mamat/").content.decode()
    )


def _acknowledgement_form(delivery) -> dict:
    """The admin's form for a reply, as staff fill it in for the embassy's acknowledgement."""
    return {
        "delivery": delivery.pk,
        "kind": "reply",
        # The day it was sent: a reply comes no earlier, and no later than today.
        "received_on": timezone.localdate(delivery.sent_at).isoformat(),
        "summary_fr": "Accusé de réception.",
        "summary_en": "Acknowledged.",
    }


def test_staff_record_a_reply_in_the_admin(
    verified_staff_client, verified_staff_user, sent_delivery
):
    response = verified_staff_client.post(
        reverse("admin:deliveries_deliveryreply_add"),
        _acknowledgement_form(sent_delivery),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    reply = DeliveryReply.objects.get()
    assert (reply.recorded_by, reply.summary_en) == (verified_staff_user, "Acknowledged.")


def test_a_petition_manager_records_the_embassy_s_reply_but_cannot_delete_it(client, sent_delivery):
    manager = logged_in_as(client, PETITION_MANAGERS)

    response = client.post(
        reverse("admin:deliveries_deliveryreply_add"),
        _acknowledgement_form(sent_delivery),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    reply = DeliveryReply.objects.get()
    assert reply.recorded_by == manager
    assert "Accusé de réception." in client.get("/petition/liberez-mamat/").content.decode()
    delete_url = reverse("admin:deliveries_deliveryreply_delete", args=[reply.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert DeliveryReply.objects.exists()


def test_staff_open_a_recorded_reply_and_download_the_file_the_embassy_sent(client, sent_delivery):
    reply = delivery_reply_record(
        delivery=sent_delivery,
        actor=None,
        tell_signers=False,
        received_on=datetime.date(2026, 11, 20),
        summary_fr="Accusé de réception.",
        file=ContentFile(b"%PDF-1.4 the embassy's answer", name="reponse.pdf"),
    )
    logged_in_as(client, PETITION_MANAGERS)

    page = client.get(reverse("admin:deliveries_deliveryreply_change", args=[reply.pk]))
    download_url = reverse("admin:deliveries_deliveryreply_file", args=[reply.pk])
    download = client.get(download_url)

    assert page.status_code == 200
    assert f'href="{download_url}"' in page.content.decode()
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 the embassy's answer"
    assert (
        f"liberez-mamat-{sent_delivery.pk}-reply-{reply.pk}.pdf" in download["Content-Disposition"]
    )
    assert "private, no-store" in download["Cache-Control"]
    # Saved again without a new file, the reply keeps the one it had.
    resaved = client.post(
        reverse("admin:deliveries_deliveryreply_change", args=[reply.pk]),
        {
            "delivery": sent_delivery.pk,
            "kind": "reply",
            "received_on": timezone.localdate(sent_delivery.sent_at).isoformat(),
            "summary_fr": "Accusé de réception, daté du 19.",
            "summary_en": "",
        },
    )
    assert resaved.status_code == 302, resaved.content.decode()[:3000]
    reply.refresh_from_db()
    assert reply.file and reply.summary_fr == "Accusé de réception, daté du 19."


def test_the_file_of_a_reply_is_for_staff_who_may_see_replies(client, sent_delivery):
    reply = delivery_reply_record(
        delivery=sent_delivery,
        actor=None,
        tell_signers=False,
        received_on=datetime.date(2026, 11, 20),
        file=ContentFile(b"%PDF-1.4", name="reponse.pdf"),
    )
    logged_in_as(client, CAMPAIGN_EDITORS)

    download = client.get(reverse("admin:deliveries_deliveryreply_file", args=[reply.pk]))

    assert download.status_code == 403


def test_a_reply_without_its_date_is_refused_in_the_admin(verified_staff_client, sent_delivery):
    response = verified_staff_client.post(
        reverse("admin:deliveries_deliveryreply_add"),
        {"delivery": sent_delivery.pk, "kind": "reply", "summary_fr": "?"},
    )

    assert response.status_code == 200
    assert not DeliveryReply.objects.exists()


def test_an_unsent_delivery_cannot_be_answered(embassy, petition):
    confirmed_signatures_create(petition, 1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    with pytest.raises(ValueError):
        delivery_reply_record(
            delivery=delivery, actor=None, days_without_reply=10, tell_signers=False
        )


def test_the_reply_staff_summarise_in_french_keeps_its_signs_with_their_words(
    verified_staff_client, sent_delivery
):
    typed = _acknowledgement_form(sent_delivery) | {
        "summary_fr": "L'ambassade répond : « nous transmettrons » !",
        "summary_en": "The embassy answers: “we will pass it on” !",
    }

    verified_staff_client.post(reverse("admin:deliveries_deliveryreply_add"), typed)

    reply = DeliveryReply.objects.get()
    assert reply.summary_fr == ("L'ambassade répond\u202f: «\u202fnous transmettrons\u202f»\u202f!")
    assert reply.summary_en == "The embassy answers: “we will pass it on” !"
    petition_page = verified_staff_client.get("/petition/liberez-mamat/").content.decode()
    assert escape(reply.summary_fr) in petition_page

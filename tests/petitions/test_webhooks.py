"""The ESP's tracking webhooks (anymail) mark the confirmation email's fate."""

import base64
import json

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from petitions.models import Signature
from tests.factories import SignatureFactory
from tests.query_plans import query_plan


def _event(event_type: str, message_id: str) -> None:
    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, message_id=message_id),
        esp_name="Test",
    )


@pytest.mark.parametrize("event_type", ["bounced", "rejected", "complained"])
def test_a_failed_delivery_marks_the_signature_email_status(db, event_type):
    signature = SignatureFactory(email_message_id="<abc@mamat>", confirmed=True)
    signature.email_message_id = "<abc@mamat>"
    signature.save()

    _event(event_type, "<abc@mamat>")

    signature.refresh_from_db()
    assert signature.email_status == event_type


def test_a_later_delivered_event_does_not_hide_a_bounce(db):
    signature = SignatureFactory(email_message_id="m-1", email_status="bounced")

    _event("delivered", "m-1")

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.BOUNCED


def test_opens_and_clicks_are_not_recorded(db):
    signature = SignatureFactory(email_message_id="m-2", email_status="sent")

    _event("opened", "m-2")
    _event("clicked", "m-2")

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.SENT


def test_the_postmark_webhook_under_anymail_marks_a_bounce(client, settings, db):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}
    signature = SignatureFactory(email_message_id="883953f4-6105-42a2-a16a-77a8eac79483")
    credentials = base64.b64encode(b"hook:secret").decode()

    response = client.post(
        "/anymail/postmark/tracking/",
        json.dumps(
            {
                "RecordType": "Bounce",
                "Type": "HardBounce",
                "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
                "Email": signature.email,
                "BouncedAt": "2025-01-01T10:00:00Z",
            }
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {credentials}",
    )

    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.BOUNCED


def test_the_webhook_refuses_calls_without_the_secret(client, settings, db):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "hook:secret"}

    response = client.post("/anymail/postmark/tracking/", "{}", content_type="application/json")

    assert response.status_code in (400, 403)


def test_each_event_finds_its_email_by_an_index_not_by_reading_every_signature(db):
    SignatureFactory(email_message_id="<one@mamat>")

    plan = query_plan(Signature.objects.filter(email_message_id="<one@mamat>"))

    # At a million signatures a "delivered" event for each email must not read the table.
    assert "signature_email_message" in plan

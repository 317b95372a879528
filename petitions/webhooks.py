"""Delivery events from the ESP (anymail's tracking webhooks, under /anymail/)."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from petitions.confirmation_emails import signature_email_status_record


@receiver(tracking, dispatch_uid="petitions.signature_email_status")
def signature_email_status_from_tracking(
    sender, event: AnymailTrackingEvent, esp_name: str, **kwargs
) -> None:
    signature_email_status_record(
        message_id=str(event.message_id or ""), event_type=event.event_type
    )

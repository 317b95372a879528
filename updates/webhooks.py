"""The ESP's events about updates (anymail's tracking webhooks, under /anymail/)."""

from anymail.signals import AnymailTrackingEvent, tracking
from django.dispatch import receiver

from updates.sending import update_recipient_event_record


@receiver(tracking, dispatch_uid="updates.recipient_event")
def update_recipient_event_from_tracking(
    sender, event: AnymailTrackingEvent, esp_name: str, **kwargs
) -> None:
    update_recipient_event_record(
        message_id=str(event.message_id or ""), event_type=event.event_type
    )

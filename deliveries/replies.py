"""What targets answered: recorded by staff, shown under each delivery on the petition's page."""

from datetime import date

from django.contrib.auth.models import User
from django.core.files import File

from core.public_cache import public_content_changed
from deliveries.models import Delivery, DeliveryReply


def delivery_reply_record(
    *,
    delivery: Delivery,
    actor: User | None,
    received_on: date | None = None,
    days_without_reply: int | None = None,
    summary_fr: str = "",
    summary_en: str = "",
    file: File | None = None,
) -> DeliveryReply:
    """Record a target's reply (its date) or its silence (the days waited) to a sent delivery."""
    if delivery.status != Delivery.Status.SENT:
        raise ValueError("Only a sent delivery can be answered.")
    if (received_on is None) == (days_without_reply is None):
        raise ValueError("Give either the day the reply came or the days without one.")
    reply = DeliveryReply(
        delivery=delivery,
        kind=DeliveryReply.Kind.REPLY if received_on else DeliveryReply.Kind.NO_REPLY,
        received_on=received_on,
        days_without_reply=days_without_reply,
        summary_fr=summary_fr,
        summary_en=summary_en,
        recorded_by=actor,
    )
    if file is not None:
        reply.file.save(file.name or "reply", file, save=False)
    reply.save()
    public_content_changed()
    return reply

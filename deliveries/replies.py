"""What targets answered: recorded by staff, shown under each delivery on the petition's page."""

from datetime import date

from django.contrib.auth.models import User
from django.core.files import File
from django.utils import timezone

from core.public_cache import public_content_changed
from deliveries.models import Delivery, DeliveryReply
from deliveries.notices import delivery_notices_queue


def delivery_reply_record(
    *,
    delivery: Delivery,
    actor: User | None,
    received_on: date | None = None,
    days_without_reply: int | None = None,
    summary_fr: str = "",
    summary_en: str = "",
    file: File | None = None,
    tell_signers: bool,
) -> DeliveryReply:
    """Record a target's reply (its date) or its silence (the days waited) to a sent delivery.

    With `tell_signers`, a reply's summary is emailed to the signers who asked for news.
    """
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
    if tell_signers:
        reply_signers_tell(reply=reply)
    return reply


def reply_signers_tell(*, reply: DeliveryReply) -> bool:
    """Email a reply's summary to the signers who asked for news, once; return whether now.

    An email cannot be called back: staff choose when, having read the summary (they may
    record a reply first, and tell the signers once it reads right).
    """
    now = timezone.now()
    told = DeliveryReply.objects.filter(
        pk=reply.pk, kind=DeliveryReply.Kind.REPLY, signers_told_at__isnull=True
    ).update(signers_told_at=now)
    if told:
        reply.signers_told_at = now
        # They hear that the authorities answered, and where to read it.
        delivery_notices_queue(delivery_id=reply.delivery_id, reply_id=reply.pk)
    return bool(told)

"""Remind, once: a signer who has not confirmed a day after their email gets one reminder.

The address is sealed as soon as the confirmation email goes, so a copy for the reminder is
kept beside it, encrypted with REMINDER_ADDRESS_KEY (core/secret_boxes.py): a copy of the
database alone cannot read it. When the reminder is due, the copy is opened and the reminder
is owed through the confirmation email's own outbox (petitions/confirmation_emails.py): the
same claim, the same mailbox daily cap, the same failure rules (a "try later" retried for
hours from when the reminder was owed, `confirmation_owed_at`), and the address sealed again
once it went or was given up. The copy is destroyed when the reminder is queued, or when the
signer confirms (petitions/sealing.py), is flagged, invalidated or erased, or the petition
stops taking signatures (its link would only say so).
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from core.email_sending import message_id_make
from core.secret_boxes import SecretBoxUnreadable
from petitions.confirmation_emails import EMAIL_DEAD_STATUSES, confirmation_email_queue
from petitions.models import Petition, Signature
from petitions.sealing import reminder_address_open

BATCH = 200


def reminders_forget_stale(*, now: datetime | None = None) -> int:
    """Destroy the copies of signers who no longer await a reminder; return how many."""
    open_petitions = Petition.objects.open_for_signing(now=now or timezone.now())
    return (
        Signature.objects.filter(reminder_address__isnull=False)
        .filter(
            ~Q(status=Signature.Status.PENDING)
            | Q(confirmed_at__isnull=False)
            | ~Q(petition__in=open_petitions)
        )
        .update(reminder_address=None)
    )


def reminders_queue(*, now: datetime | None = None, limit: int = BATCH) -> int:
    """Owe the due reminders through the confirmation outbox; return how many were queued.

    Safe to run twice or on two workers: each row is taken by a conditional UPDATE that also
    destroys its copy, so a reminder is owed once.
    """
    now = now or timezone.now()
    reminders_forget_stale(now=now)
    queued = 0
    while True:
        taken, owed = _reminders_batch_queue(now=now, limit=limit)
        queued += owed
        if taken < limit:
            return queued


def _reminders_batch_queue(*, now: datetime, limit: int) -> tuple[int, int]:
    """Take up to `limit` due reminders; return how many were taken and how many owed."""
    due = list(
        Signature.objects.filter(
            reminder_address__isnull=False,
            reminder_due_at__lte=now,
            status=Signature.Status.PENDING,
            confirmed_at__isnull=True,
            reminded_at__isnull=True,
        )
        .order_by("reminder_due_at")
        .values_list("pk", "reminder_address", "email_status", "confirmation_send_count")[:limit]
    )
    owed = 0
    with transaction.atomic():
        for pk, blob, email_status, send_count in due:
            row = Signature.objects.filter(pk=pk, reminder_address__isnull=False)
            if email_status in EMAIL_DEAD_STATUSES or (
                send_count >= settings.SIGNATURE_CONFIRMATION_SEND_CAP
            ):
                row.update(reminder_address=None)
                continue
            try:
                address = reminder_address_open(bytes(blob))
            except SecretBoxUnreadable:
                row.update(reminder_address=None)  # another key: nothing to send it to
                continue
            # Owed from this very moment, whatever `now` the sweep chose reminders by.
            moment = timezone.now()
            owed += row.update(
                reminder_address=None,
                reminded_at=moment,
                email=address,
                email_status="",
                confirmation_sent_at=None,
                confirmation_due_at=moment,
                confirmation_owed_at=moment,
                confirmation_attempts=0,
                confirmation_message_id=message_id_make(),
            )
        if owed:
            confirmation_email_queue()
    return len(due), owed


@dataclass(frozen=True)
class ReminderConversion:
    """How many reminders went, and how many of those signers confirmed after it."""

    sent: int
    confirmed: int

    @property
    def rate(self) -> int | None:
        return round(self.confirmed * 100 / self.sent) if self.sent else None


def reminder_conversion(*, petition: Petition) -> ReminderConversion:
    """Return the reminders' conversion, shown on the dashboard beside the confirmation rate."""
    counts = Signature.objects.filter(petition=petition, reminded_at__isnull=False).aggregate(
        sent=Count("pk", filter=Q(confirmation_sent_at__gte=F("reminded_at"))),
        confirmed=Count("pk", filter=Q(confirmed_at__gte=F("reminded_at"))),
    )
    return ReminderConversion(sent=counts["sent"], confirmed=counts["confirmed"])

"""Time passing for a signature's confirmation email, without waiting for it."""

from datetime import timedelta

from django.db.models import DateTimeField, F
from django.utils import timezone

from petitions import confirmation_emails
from petitions.models import Signature


def hours_pass(signature: Signature, *, hours: float) -> None:
    """Move every moment the row remembers `hours` into the past, as if that much time passed.

    The consent's time stays: it is the record of what the signer agreed to, and when.
    """
    moments = [
        field.name
        for field in Signature._meta.concrete_fields
        if isinstance(field, DateTimeField) and field.name != "consented_at"
    ]
    Signature.objects.filter(pk=signature.pk).update(
        **{name: F(name) - timedelta(hours=hours) for name in moments}
    )


def server_asks_again_now(signature: Signature) -> None:
    """The backoff of the last "try later" is over: the email is due again, and senders run."""
    Signature.objects.filter(pk=signature.pk).update(confirmation_due_at=timezone.now())
    confirmation_emails.confirmations_send()

"""When a signer's personal data is sealed to the data officers' key, and what stays readable.

A signature's email, names, postcode and comment are sealed (core.sealing) as soon as the site
no longer needs to read them: when it is confirmed, or, unconfirmed, once the last email it may
still get has gone (or can never go: refused, capped). What the site must keep reading stays
in the clear only as long as it must:

- the email of a signer who asked for news, until they unsubscribe, encrypted with a key of
  the running site (`news_address`), so that a copy of the database alone does not hold it;
- the email of a pending signer, for their one reminder (petitions/reminders.py), encrypted the
  same way with another key (`reminder_address`), until it goes or they confirm;
- the first name of a signer who asked to be shown among the latest signers;
- the first and last name of a signer who chose to be named to the authorities.

Everything else in the row is blank once sealed; the data officers' private key, which never
touches the server, opens the sealed copy for an export.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from core.sealing import seal
from core.secret_boxes import box_close, box_open
from petitions.models import Signature

SEALED_FIELDS = ("email", "first_name", "last_name", "postcode", "comment")
# Emails that will not be sent, whatever happens: the address need not be read again.
EMAIL_NEVER_AGAIN = [
    Signature.EmailStatus.BOUNCED,
    Signature.EmailStatus.REJECTED,
    Signature.EmailStatus.FAILED,
    Signature.EmailStatus.COMPLAINED,
    Signature.EmailStatus.CAPPED,
]


NEWS_ADDRESS_PURPOSE = "news-address"


def news_address_close(email: str) -> bytes:
    return box_close(email, key=settings.NEWS_ADDRESS_KEY, purpose=NEWS_ADDRESS_PURPOSE)


def news_address_open(news_address: bytes | None) -> str:
    """Return the address in a signature's `news_address`, or "" if the signer did not ask."""
    if news_address is None:
        return ""
    return box_open(news_address, key=settings.NEWS_ADDRESS_KEY, purpose=NEWS_ADDRESS_PURPOSE)


REMINDER_ADDRESS_PURPOSE = "reminder-address"


def reminder_address_close(email: str) -> bytes:
    return box_close(email, key=settings.REMINDER_ADDRESS_KEY, purpose=REMINDER_ADDRESS_PURPOSE)


def reminder_address_open(blob: bytes) -> str:
    return box_open(blob, key=settings.REMINDER_ADDRESS_KEY, purpose=REMINDER_ADDRESS_PURPOSE)


def reminder_values_after_confirmation_email(signature: Signature, *, sent_at: datetime) -> dict:
    """Return what the row keeps for a reminder once its confirmation email has gone.

    Only a signer never reminded, still awaiting confirmation and not held for review, gets
    one; the copy of the address is encrypted with a key the database does not hold.
    """
    hours = settings.SIGNATURE_REMINDER_AFTER_HOURS
    if (
        hours <= 0
        or signature.reminded_at is not None
        or signature.status != Signature.Status.PENDING
        or not signature.email
    ):
        return {"reminder_address": None}
    return {
        "reminder_address": reminder_address_close(signature.email),
        "reminder_due_at": sent_at + timedelta(hours=hours),
    }


def readable_after_sealing(signature: Signature) -> dict:
    """Return the personal fields that stay readable once the signature is sealed.

    A name stays readable only where the signer asked for it to be said, and never once staff
    hid it (petitions/name_review.py). One that failed the name check stays for staff to look
    at: the form refuses to name such a name, so only older rows and paper sheets hold one.
    """
    not_hidden = signature.name_review != Signature.NameReview.HIDDEN
    named = signature.name_in_delivery and not_hidden
    shown = signature.show_first_name and not_hidden
    values: dict = {
        "email": "",
        "first_name": signature.first_name if named or shown else "",
        "last_name": signature.last_name if named else "",
        "postcode": "",
        "comment": "",
        # Confirmed, flagged or given up on: the reminder's copy goes with the rest.
        "reminder_address": None,
    }
    if signature.email:
        values["news_address"] = (
            news_address_close(signature.email) if signature.newsletter_opt_in else None
        )
    return values


def signature_seal_values(signature: Signature) -> dict:
    """Return what an UPDATE writes to seal this signature (it may already be sealed).

    The sealed copy is made once, from the data the signer gave; a signature sealed before
    only has its readable fields brought back to what may stay readable.
    """
    values: dict = readable_after_sealing(signature)
    if signature.sealed_at is None:
        values["sealed_data"] = seal({field: getattr(signature, field) for field in SEALED_FIELDS})
        values["sealed_at"] = timezone.now()
    return values


def signature_seal(*, signature: Signature) -> None:
    """Seal one signature now."""
    values = signature_seal_values(signature)
    Signature.objects.filter(pk=signature.pk, erased_at__isnull=True).update(**values)
    for field, value in values.items():
        setattr(signature, field, value)


def signatures_sealable() -> QuerySet[Signature]:
    """Signatures whose personal data the site no longer needs to read, not yet all sealed.

    Confirmed, or with their confirmation email sent or never to be sent; not yet sealed, or
    sealed but with an address put back in the clear to send one more email.
    """
    done_with_email = (
        Q(confirmed_at__isnull=False)
        | Q(confirmation_sent_at__isnull=False)
        | Q(email_status__in=EMAIL_NEVER_AGAIN)
    )
    needs_sealing = Q(sealed_at__isnull=True) | ~Q(email="")
    return Signature.objects.not_erased().filter(done_with_email, needs_sealing)


def signatures_seal(*, signatures: Iterable[Signature]) -> int:
    """Seal the given signatures; return how many."""
    sealed = 0
    for signature in signatures:
        signature_seal(signature=signature)
        sealed += 1
    return sealed


def signatures_seal_due(*, limit: int = 5000) -> int:
    """Seal what the sending and confirming left in the clear; return how many were sealed.

    Beat's hourly sweep: signatures kept before sealing existed, and any a crash left.
    """
    return signatures_seal(signatures=signatures_sealable().order_by("pk")[:limit].iterator())

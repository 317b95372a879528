"""Staff decide which names may be said: hide a listed one in one click, look at the unlisted.

A name is listed or not as its signer signs (petitions/names.py); staff can hide any name
from the public list of signers and from every later delivery. The signature is still counted.
"""

from django.db import transaction
from django.db.models import QuerySet

from core.actors import Actor
from core.public_cache import public_content_changed
from petitions import recent_signers
from petitions.erasure import signers_followers_tell
from petitions.erasure_journal import JournalKind, erasure_journal_record
from petitions.models import Signature
from petitions.names import names_may_be_said
from staff.access_trail import access_event_record
from staff.models import AccessEvent


def name_review_at_signing(*, first_name: str, last_name: str, name_in_delivery: bool) -> str:
    """Return how a new signature's (cleaned) names start out: listed only if they look like
    names, whether typed online or from a paper sheet; counted either way.

    Only the authorities are ever given the last name: it need look like a name only when the
    signer asked to be named to them. A public list shows the first name alone.
    """
    said_last_name = last_name if name_in_delivery else ""
    if names_may_be_said(first_name=first_name, last_name=said_last_name):
        return Signature.NameReview.LISTED
    return Signature.NameReview.UNLISTED


def signatures_name_hide(
    *, signatures: QuerySet[Signature], actor: Actor, ip_hmac: str = "", journaled: bool = True
) -> int:
    """Never name these signers again, in public or to the authorities; return how many.

    The trail records who hid them (`actor`: None for the system), and which, by number.

    Lists of names on file that have not gone yet are written again without them, by a worker
    once this commits (the apps that keep them name their `name_hiding_followers`, which
    queue it); a list already delivered cannot be recalled. The erasure journal records them
    (unless `journaled` is false: when the journal itself is being applied again), so that
    restoring a backup does not name them again.
    """
    petition_ids = set(signatures.values_list("petition_id", flat=True))
    hiding = list(
        signatures.exclude(name_review=Signature.NameReview.HIDDEN).values_list("pk", flat=True)
    )
    named = list(
        Signature.objects.filter(pk__in=hiding).named_in_delivery().values_list("pk", flat=True)
    )
    hidden = Signature.objects.filter(pk__in=hiding).update(name_review=Signature.NameReview.HIDDEN)
    if hidden:
        access_event_record(
            actor=actor,
            action=AccessEvent.Action.HID_NAMES,
            target=Signature._meta.label,
            # Not journaled: the journal is being applied again, after a restore.
            note=None if journaled else AccessEvent.Note.HIDDEN_AGAIN_AFTER_RESTORE,
            query={"signature_ids": hiding},
            row_count=hidden,
            ip_hmac=ip_hmac,
        )
    # Never said again, so no longer kept readable: the sealed copy has them for an export.
    signatures.filter(sealed_at__isnull=False).update(first_name="", last_name="")

    def forget() -> None:
        for petition_id in petition_ids:
            recent_signers.signers_recent_forget(petition_id=petition_id)
        public_content_changed()

    transaction.on_commit(forget)
    # Journaled first: the names are hidden already, and a follower that fails (its storage
    # down) must not leave them out of the journal, from which a restored backup is mended.
    if journaled:
        erasure_journal_record(kind=JournalKind.HIDDEN, signature_ids=hiding)
    if named:
        signers_followers_tell(followers="name_hiding_followers", signature_ids=named)
    return hidden


def names_listed_publicly(*, limit: int = 50) -> QuerySet[Signature]:
    """Return the latest names the public list may show, for staff to check."""
    return (
        Signature.objects.confirmed()
        .shown_publicly()
        .select_related("petition")
        .order_by("-confirmed_at")[:limit]
    )


def names_unlisted(*, limit: int = 200) -> QuerySet[Signature]:
    """Return the latest names that failed the rule, for staff to look at (never shown)."""
    return (
        Signature.objects.not_erased()
        .filter(name_review=Signature.NameReview.UNLISTED)
        .exclude(first_name="", last_name="")
        .select_related("petition")
        .order_by("-created_at")[:limit]
    )

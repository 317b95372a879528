"""Staff review of signatures: approve flagged ones, flag suspicious ones, invalidate fakes.

Each review keeps its reason on every row it touched; the counts are reconciled at once.
A reason the site gives itself (a rate limit, an email domain) is kept in the site's language.
"""

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from petitions import counter, ledger, recent_signers
from petitions.confirmation_emails import confirmation_email_queue
from petitions.models import LedgerEntry, Petition, Signature


def _after_review(*, petition_ids: set[int]) -> None:
    for petition_id in petition_ids:
        counter.petition_count_reconcile(petition_id=petition_id)
        recent_signers.signers_recent_forget(petition_id=petition_id)


def status_reason_in_site_language(message: str) -> str:
    """Translate a reason a signature is held for (marked with gettext_noop) as its row keeps
    it: for staff reviewing it, in the site's language, not the signer's."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _reviewed(reason: str) -> dict:
    """Return what a review by staff writes beside the new status."""
    return {"status_reason": reason.strip()[:200], "status_changed_at": timezone.now()}


@transaction.atomic
def signatures_approve(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Count flagged signatures after review: confirmed ones at once, others once confirmed."""
    flagged = signatures.filter(status=Signature.Status.FLAGGED)
    petition_ids = set(flagged.values_list("petition_id", flat=True))
    approved = flagged.filter(confirmed_at__isnull=False).update(
        status=Signature.Status.CONFIRMED, **_reviewed(reason)
    )
    now = timezone.now()
    # Owed from now: a signer approved days after signing is still retried for as long.
    approved += flagged.filter(confirmed_at__isnull=True).update(
        status=Signature.Status.PENDING,
        confirmation_due_at=now,
        confirmation_owed_at=now,
        **_reviewed(reason),
    )
    transaction.on_commit(lambda: _after_review(petition_ids=petition_ids))
    # Approved signers still waiting for their email are sent it now, not after the delay.
    confirmation_email_queue()
    return approved


@transaction.atomic
def signatures_flag(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Hold signatures out of the count until staff approve them (they look suspicious)."""
    held = signatures.filter(
        status__in=[Signature.Status.PENDING, Signature.Status.CONFIRMED], erased_at__isnull=True
    )
    petition_ids = set(held.values_list("petition_id", flat=True))
    flagged = held.update(status=Signature.Status.FLAGGED, **_reviewed(reason))
    transaction.on_commit(lambda: _after_review(petition_ids=petition_ids))
    return flagged


class ReasonRequired(ValueError):
    """Invalidating takes signatures out of the count: staff must say why."""


@transaction.atomic
def signatures_invalidate(*, signatures: QuerySet[Signature], reason: str) -> int:
    """Take signatures out of the count (staff found them fake); `signatures_review_again`
    brings them back for review. Raises ReasonRequired without a reason."""
    if not reason.strip():
        raise ReasonRequired
    valid = signatures.exclude(status=Signature.Status.INVALIDATED)
    by_petition = _count_by_petition(valid)
    invalidated = valid.update(status=Signature.Status.INVALIDATED, **_reviewed(reason))
    transaction.on_commit(
        lambda: _count_changed(by_petition=by_petition, event=LedgerEntry.Event.INVALIDATION)
    )
    return invalidated


@transaction.atomic
def signatures_review_again(*, signatures: QuerySet[Signature], reason: str = "") -> int:
    """Hold signatures invalidated by hand as flagged again, for staff to approve or not.

    Those an invalidation by criteria took are left to its own undo, which restores exactly
    the status each had.
    """
    by_hand = signatures.filter(status=Signature.Status.INVALIDATED, invalidation__isnull=True)
    by_petition = _count_by_petition(by_hand)
    flagged = by_hand.update(status=Signature.Status.FLAGGED, **_reviewed(reason))
    transaction.on_commit(
        lambda: _count_changed(by_petition=by_petition, event=LedgerEntry.Event.INVALIDATION_UNDONE)
    )
    return flagged


def _count_by_petition(signatures: QuerySet[Signature]) -> dict[int, int]:
    return dict(
        signatures.order_by()
        .values_list("petition_id")
        .annotate(count=Count("pk"))
        .values_list("petition_id", "count")
    )


def _count_changed(*, by_petition: dict[int, int], event: str) -> None:
    _after_review(petition_ids=set(by_petition))
    # The public ledger states each change of the count: how many, never who or why.
    for petition in Petition.objects.filter(pk__in=by_petition):
        ledger.ledger_entry_append(
            petition=petition,
            event=event,
            detail={"signatures": by_petition[petition.pk], "reason": ledger.REVIEW_REASON},
        )

"""Invalidation by criteria: preview, a background job with progress and cancel, and undo.

Staff choose criteria (any of email domain, IP fingerprint, country, time window, referral
code, status), see how many signatures match and a sample, give a reason, and a worker
invalidates them in batches. It touches only the signatures the preview counted (those up to
the last id it saw), so that a preview of N touches exactly N, however many more arrive in an
attack that goes on. Each signature keeps the invalidation's id, its reason and the status it
had; the undo puts every one back. The count is reconciled and the ledger states each change.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from petitions import counter, ledger, recent_signers
from petitions.agent_families import agent_family_label
from petitions.models import Invalidation, LedgerEntry, Petition, Signature

BATCH_SIZE = 1000
SAMPLE_SIZE = 10
# A job whose batches stopped moving this long ago lost its worker: beat starts it again.
STALLED_AFTER = timedelta(minutes=5)
CRITERIA_STATUSES = [
    Signature.Status.PENDING,
    Signature.Status.CONFIRMED,
    Signature.Status.FLAGGED,
]


@dataclass(frozen=True)
class InvalidationCriteria:
    """What the signatures to invalidate have in common; empty fields match everything."""

    email_domain: str = ""
    ip_hash: str = ""
    country: str = ""
    signed_from: datetime | None = None
    signed_until: datetime | None = None
    referral_code: str = ""
    status: str = ""

    def as_json(self) -> dict[str, str]:
        return {
            name: value.isoformat() if isinstance(value, datetime) else value
            for name, value in asdict(self).items()
            if value
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "InvalidationCriteria":
        values = dict(data)
        for name in ("signed_from", "signed_until"):
            if values.get(name):
                values[name] = parse_datetime(values[name])
        return cls(**values)

    def is_empty(self) -> bool:
        return not self.as_json()


@dataclass(frozen=True)
class InvalidationPreview:
    """How many signatures the criteria match now, a sample of them, and the last id seen."""

    count: int
    up_to_signature_id: int
    sample: list[dict] = field(default_factory=list)
    # Of those, the confirmed ones: how far the public count falls.
    confirmed: int = 0


def signatures_matching(*, petition: Petition, criteria: InvalidationCriteria) -> QuerySet:
    """Return the petition's signatures that match and are not invalidated yet."""
    condition = Q(petition=petition) & ~Q(status=Signature.Status.INVALIDATED)
    if criteria.email_domain:
        # "@bot.example", as staff often write a domain, is the domain bot.example.
        condition &= Q(email_domain=criteria.email_domain.strip().lower().removeprefix("@"))
    if criteria.ip_hash:
        condition &= Q(ip_hash=criteria.ip_hash.strip())
    if criteria.country:
        condition &= Q(country=criteria.country)
    if criteria.signed_from:
        condition &= Q(created_at__gte=criteria.signed_from)
    if criteria.signed_until:
        condition &= Q(created_at__lt=criteria.signed_until)
    if criteria.referral_code:
        condition &= Q(referral_code=criteria.referral_code.strip())
    if criteria.status:
        condition &= Q(status=criteria.status)
    return Signature.objects.filter(condition).order_by()


def invalidation_preview(
    *,
    petition: Petition,
    criteria: InvalidationCriteria,
    up_to_signature_id: int | None = None,
    sample_size: int = SAMPLE_SIZE,
) -> InvalidationPreview:
    """Return how many signatures an invalidation would touch, with a sample naming nobody.

    With `up_to_signature_id`, count again what an earlier preview saw, and nothing newer.
    """
    matching = signatures_matching(petition=petition, criteria=criteria)
    up_to = up_to_signature_id
    if up_to is None:
        up_to = matching.aggregate(last=Max("pk"))["last"] or 0
    counted = matching.filter(pk__lte=up_to)
    sample = list(
        counted.order_by("-created_at", "-pk").values(
            "pk",
            "created_at",
            "status",
            "country",
            "email_domain",
            "ip_hash",
            "referral_code",
            "agent_family",
        )[:sample_size]
    )
    for row in sample:
        row["status_label"] = Signature.Status(row["status"]).label
        row["agent_family_label"] = agent_family_label(row["agent_family"])
    return InvalidationPreview(
        count=counted.count(),
        up_to_signature_id=up_to,
        sample=sample,
        confirmed=counted.filter(status=Signature.Status.CONFIRMED).count(),
    )


def invalidation_create(
    *,
    petition: Petition,
    criteria: InvalidationCriteria,
    reason_category: str,
    reason: str,
    preview: InvalidationPreview,
    actor: Any = None,
) -> Invalidation:
    """Record an invalidation staff confirmed after its preview, and queue its job."""
    if not reason.strip():
        raise ValueError("An invalidation needs a reason.")
    invalidation = Invalidation.objects.create(
        petition=petition,
        criteria=criteria.as_json(),
        reason_category=reason_category,
        reason=reason.strip()[:200],
        preview_count=preview.count,
        up_to_signature_id=preview.up_to_signature_id,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _job_queue(invalidation.pk)
    return invalidation


def _job_queue(invalidation_id: int) -> None:
    from petitions import tasks

    transaction.on_commit(lambda: tasks.invalidation_run_task.delay(invalidation_id))


def _claim(invalidation_id: int, *, waiting: str, running: str) -> bool:
    """Take a job no worker holds: one waiting, or one whose worker stopped moving it.

    A job is held while its `progressed_at` is recent; so running a task twice, or again
    after a worker died, is safe.
    """
    now = timezone.now()
    return bool(
        Invalidation.objects.filter(
            Q(progressed_at__isnull=True) | Q(progressed_at__lt=now - STALLED_AFTER),
            pk=invalidation_id,
            status__in=[waiting, running],
        ).update(status=running, progressed_at=now)
    )


def invalidation_run(*, invalidation_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Invalidate, in batches, the signatures an invalidation previewed; return how many.

    Stops between batches once staff asked to cancel: what it did stays, and can be undone.
    """
    running = Invalidation.Status.RUNNING
    if not _claim(invalidation_id, waiting=Invalidation.Status.QUEUED, running=running):
        return 0
    invalidation = Invalidation.objects.select_related("petition").get(pk=invalidation_id)
    matching = signatures_matching(
        petition=invalidation.petition,
        criteria=InvalidationCriteria.from_json(invalidation.criteria),
    ).filter(pk__lte=invalidation.up_to_signature_id)
    touched = 0
    while not _cancel_requested(invalidation_id):
        with transaction.atomic():
            batch = list(matching.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            done = Signature.objects.filter(pk__in=batch).update(
                status_before_invalidation=F("status"),
                status=Signature.Status.INVALIDATED,
                invalidation=invalidation,
                status_reason=invalidation.reason,
                status_changed_at=timezone.now(),
            )
            touched += done
            _progress_record(invalidation_id, touched=done)
    stopped_by_staff = _cancel_requested(invalidation_id)
    Invalidation.objects.filter(pk=invalidation_id, status=running).update(
        status=Invalidation.Status.CANCELLED if stopped_by_staff else Invalidation.Status.DONE,
        finished_at=timezone.now(),
    )
    _count_changed(invalidation_id, event=LedgerEntry.Event.INVALIDATION)
    return touched


def _cancel_requested(invalidation_id: int) -> bool:
    return Invalidation.objects.filter(
        pk=invalidation_id, cancel_requested_at__isnull=False
    ).exists()


def _progress_record(invalidation_id: int, *, touched: int = 0, restored: int = 0) -> None:
    Invalidation.objects.filter(pk=invalidation_id).update(
        touched_count=F("touched_count") + touched,
        restored_count=F("restored_count") + restored,
        progressed_at=timezone.now(),
    )


def _count_changed(invalidation_id: int, *, event: str) -> None:
    """Make the count, the public signers and the ledger say what the job changed."""
    invalidation = Invalidation.objects.select_related("petition").get(pk=invalidation_id)
    counter.petition_count_reconcile(petition_id=invalidation.petition_id)
    recent_signers.signers_recent_forget(petition_id=invalidation.petition_id)
    changed = (
        invalidation.restored_count
        if event == LedgerEntry.Event.INVALIDATION_UNDONE
        else invalidation.touched_count
    )
    ledger.ledger_entry_append(
        petition=invalidation.petition,
        event=event,
        detail={
            "id": invalidation.pk,
            "signatures": changed,
            "reason": invalidation.reason_category,
        },
    )


def invalidation_cancel(*, invalidation: Invalidation) -> bool:
    """Ask a queued or running job to stop after its current batch; return whether asked.

    What it did stays, and can be undone; a job no worker started yet ends here.
    """
    now = timezone.now()
    asked = Invalidation.objects.filter(
        pk=invalidation.pk,
        status__in=[Invalidation.Status.QUEUED, Invalidation.Status.RUNNING],
        cancel_requested_at__isnull=True,
    ).update(cancel_requested_at=now)
    Invalidation.objects.filter(pk=invalidation.pk, status=Invalidation.Status.QUEUED).update(
        status=Invalidation.Status.CANCELLED, finished_at=now
    )
    return bool(asked)


def invalidation_undo(*, invalidation: Invalidation, actor: Any = None) -> bool:
    """Queue the undo of a finished or cancelled invalidation; return whether it was queued."""
    queued = Invalidation.objects.filter(
        pk=invalidation.pk,
        status__in=[Invalidation.Status.DONE, Invalidation.Status.CANCELLED],
    ).update(
        status=Invalidation.Status.UNDOING,
        undone_by=actor if getattr(actor, "pk", None) else None,
        progressed_at=None,
    )
    if queued:
        _job_queue(invalidation.pk)
    return bool(queued)


def invalidation_undo_run(*, invalidation_id: int, batch_size: int = BATCH_SIZE) -> int:
    """Put every signature an invalidation touched back to the status it had; return how many."""
    undoing = Invalidation.Status.UNDOING
    if not _claim(invalidation_id, waiting=undoing, running=undoing):
        return 0
    restored = 0
    touched = Signature.objects.filter(invalidation_id=invalidation_id).order_by()
    while True:
        with transaction.atomic():
            batch = list(touched.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not batch:
                break
            done = Signature.objects.filter(pk__in=batch).update(
                status=F("status_before_invalidation"),
                status_before_invalidation="",
                invalidation=None,
                status_reason="",
                status_changed_at=timezone.now(),
            )
            restored += done
            _progress_record(invalidation_id, restored=done)
    Invalidation.objects.filter(pk=invalidation_id, status=undoing).update(
        status=Invalidation.Status.UNDONE, undone_at=timezone.now(), finished_at=timezone.now()
    )
    _count_changed(invalidation_id, event=LedgerEntry.Event.INVALIDATION_UNDONE)
    return restored


def invalidation_job_run(*, invalidation_id: int) -> int:
    """Run whichever job an invalidation waits for: the invalidation or its undo."""
    status = (
        Invalidation.objects.filter(pk=invalidation_id).values_list("status", flat=True).first()
    )
    if status == Invalidation.Status.UNDOING:
        return invalidation_undo_run(invalidation_id=invalidation_id)
    return invalidation_run(invalidation_id=invalidation_id)


def invalidations_resume() -> int:
    """Queue again the jobs whose worker died or whose message was lost; return how many.

    A job still held by its worker is left alone by the claim, so queueing one twice is safe.
    """
    ids = list(
        Invalidation.objects.filter(
            Q(progressed_at__isnull=True) | Q(progressed_at__lt=timezone.now() - STALLED_AFTER),
            status__in=[
                Invalidation.Status.QUEUED,
                Invalidation.Status.RUNNING,
                Invalidation.Status.UNDOING,
            ],
        ).values_list("pk", flat=True)
    )
    for invalidation_id in ids:
        _job_queue(invalidation_id)
    return len(ids)

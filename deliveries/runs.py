"""Delivery runs: what is due, delivered, and what dead workers left, finished.

The beat task, the admin's "deliver now" and `manage.py deliver_signatures` all call
`deliveries_run`. Its steps (deliveries.batches, deliveries.sending) are safe to repeat and to
run at the same moment in two processes.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from deliveries import selectors
from deliveries.addresses import DeliveryRefused, delivery_refusal
from deliveries.batches import counts_only_for, delivery_batch_create, delivery_files_build
from deliveries.models import Delivery, DeliverySchedule
from deliveries.sending import delivery_send_queue
from petitions.models import Petition, Target


@dataclass(frozen=True)
class PairOutcome:
    """What one run did (or, dry, would do) for one target of one petition."""

    petition: Petition
    target: Target
    awaiting: int
    named: int
    delivery: Delivery | None = None
    # Why nothing may go to this target (a placeholder or unapproved address); empty if it may.
    refusal: str = ""

    @property
    def csv_rows(self) -> int:
        """Return the rows of named signers the list would carry (none when counts only)."""
        return self.named


@dataclass
class DeliveryRunReport:
    dry_run: bool
    # Signatures confirmed after this moment wait for the next run.
    confirmed_up_to: datetime | None = None
    outcomes: list[PairOutcome] = field(default_factory=list)
    resumed: int = 0

    @property
    def deliveries(self) -> list[Delivery]:
        return [outcome.delivery for outcome in self.outcomes if outcome.delivery is not None]


def deliveries_interrupted_resume(*, now: datetime | None = None) -> int:
    """Finish what dead workers left: write "building" files, send "ready" and stale "sending".

    A delivery still "sending" DELIVERY_SEND_CLAIM_SECONDS after its claim, with no ESP message
    id, lost its worker between the claim and the record of the ESP's answer. Whether the ESP
    accepted it cannot be known here, so it is sent again: at least once rather than at most
    once, since an undelivered petition is the worse failure. The window is the few
    milliseconds between the ESP's acceptance and the UPDATE that records it, and a resend
    carries the same Message-ID. A retry after an ESP error, or a task run twice, never sends
    again: only this sweep reopens a claim. Return how many deliveries were taken up again.
    """
    now = now or timezone.now()
    resumed = 0
    for delivery_id in Delivery.objects.filter(status=Delivery.Status.BUILDING).values_list(
        "pk", flat=True
    ):
        resumed += delivery_files_build(delivery_id=delivery_id) is not None
    stale = Delivery.objects.filter(
        status=Delivery.Status.SENDING,
        claimed_at__lt=now - timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS),
        esp_message_id="",
    )
    # Its list is brought up to date before it goes again (deliveries.sending.delivery_send).
    resumed += stale.update(status=Delivery.Status.READY)
    # The broker may have lost the task of a ready one (a duplicate task finds it claimed, and
    # one whose next attempt is not due yet finds it not claimable).
    due = Delivery.objects.filter(status=Delivery.Status.READY).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )
    for delivery_id in due.values_list("pk", flat=True):
        delivery_send_queue(delivery_id=delivery_id)
    return resumed


def _pairs_for(
    *, petition: Petition, confirmed_up_to: datetime, target_ids: list[int] | None = None
) -> list[selectors.DuePair]:
    targets = petition.targets.all()
    if target_ids is not None:
        targets = targets.filter(pk__in=target_ids)
    return [
        selectors.DuePair(
            petition=petition,
            target=target,
            awaiting=selectors.signatures_awaiting_delivery(
                petition=petition, target=target, confirmed_up_to=confirmed_up_to
            ).count(),
        )
        for target in targets
    ]


def _pair_preview(*, pair: selectors.DuePair, confirmed_up_to: datetime) -> PairOutcome:
    named = 0
    if pair.awaiting and not counts_only_for(petition=pair.petition):
        named = (
            selectors.signatures_awaiting_delivery(
                petition=pair.petition, target=pair.target, confirmed_up_to=confirmed_up_to
            )
            .named_in_delivery()
            .count()
        )
    return PairOutcome(
        petition=pair.petition,
        target=pair.target,
        awaiting=pair.awaiting,
        named=named,
        refusal=delivery_refusal(target=pair.target) or "",
    )


def _pair_deliver(*, pair: selectors.DuePair, confirmed_up_to: datetime) -> PairOutcome:
    delivery, refusal = None, ""
    if pair.awaiting:
        try:
            delivery = delivery_batch_create(
                petition=pair.petition, target=pair.target, confirmed_up_to=confirmed_up_to
            )
        except DeliveryRefused as refused:
            refusal = str(refused)
    return PairOutcome(
        petition=pair.petition,
        target=pair.target,
        awaiting=delivery.total_count if delivery else 0,
        named=delivery.named_count if delivery else 0,
        delivery=delivery,
        refusal=refusal,
    )


def deliveries_run(
    *,
    petition: Petition | None = None,
    target_ids: list[int] | None = None,
    dry_run: bool = False,
    now: datetime | None = None,
    confirmed_up_to: datetime | None = None,
) -> DeliveryRunReport:
    """Deliver what is due: every petition's schedule, or all that waits for one petition.

    The one entry point of beat, the admin's "deliver now" and `deliver_signatures`. A dry
    run is the preview: per target, how many signatures would go, how many signers would be
    named, and why the target may not receive them; it writes nothing. Pass its
    `confirmed_up_to` to the real run to deliver what the preview showed and no more.
    A target whose address may not receive deliveries is skipped, with the reason.
    """
    now = now or timezone.now()
    confirmed_up_to = confirmed_up_to or now
    report = DeliveryRunReport(dry_run=dry_run, confirmed_up_to=confirmed_up_to)
    if petition is None:
        pairs = selectors.deliveries_due(now=now)
        schedules = DeliverySchedule.objects.filter(is_active=True)
    else:
        pairs = _pairs_for(
            petition=petition, confirmed_up_to=confirmed_up_to, target_ids=target_ids
        )
        schedules = DeliverySchedule.objects.filter(petition=petition)
    if dry_run:
        report.outcomes = [
            _pair_preview(pair=pair, confirmed_up_to=confirmed_up_to) for pair in pairs
        ]
        return report
    report.resumed = deliveries_interrupted_resume(now=now)
    report.outcomes = [_pair_deliver(pair=pair, confirmed_up_to=confirmed_up_to) for pair in pairs]
    schedules.update(last_run_at=now)
    return report


def deliveries_now_queue(
    *, petition: Petition, target_ids: list[int], confirmed_up_to: datetime
) -> None:
    """Have a worker deliver, once this transaction commits, what staff confirmed in a preview.

    Building a batch of a hundred thousand signatures takes seconds: never inside a request.
    """
    from deliveries.tasks import deliveries_now_task

    transaction.on_commit(
        lambda: deliveries_now_task.delay(petition.pk, target_ids, confirmed_up_to.isoformat())
    )

"""Reads for deliveries: what waits for each target, what is due, what the public may see."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, Func, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from deliveries.models import DeliveredSignature, Delivery, DeliveryReply, DeliverySchedule
from petitions.country_counts import country_counts_merged
from petitions.models import Petition, Signature, SignatureQuerySet, Target


@dataclass(frozen=True)
class DuePair:
    """A petition whose new signatures are due at one of its targets."""

    petition: Petition
    target: Target
    awaiting: int


def signatures_awaiting_delivery(
    *, petition: Petition, target: Target, confirmed_up_to: datetime | None = None
) -> SignatureQuerySet:
    """Return the petition's confirmed signatures that no delivery has carried to `target`.

    With `confirmed_up_to`, only those confirmed by then.
    """
    awaiting = (
        Signature.objects.confirmed()
        .filter(petition=petition)
        .filter(~Exists(DeliveredSignature.objects.filter(target=target, signature=OuterRef("pk"))))
        .order_by()
    )
    if confirmed_up_to is not None:
        awaiting = awaiting.filter(confirmed_at__lte=confirmed_up_to)
    return awaiting


def delivery_signatures(*, delivery: Delivery) -> SignatureQuerySet:
    """Return the signatures a delivery carries."""
    return Signature.objects.filter(deliveries_carried__delivery=delivery).order_by()


def delivery_lists_naming_too_many(*, statuses: tuple[str, ...]) -> QuerySet[Delivery]:
    """Return the deliveries in one of `statuses` whose list on file names more signers than may
    now be named (a name hidden since it was written).

    One query, on the index of each delivery's carried signatures, that reads no file: names are
    only ever taken away, so a list naming as many as may now be named is up to date.
    """
    named_now = (
        Signature.objects.filter(deliveries_carried__delivery=OuterRef("pk"))
        .named_in_delivery()
        .order_by()
        .annotate(named=Func(F("pk"), function="COUNT"))
        .values("named")
    )
    return (
        Delivery.objects.filter(status__in=statuses, counts_only=False)
        .exclude(signatures_csv="")
        .alias(named_now=Coalesce(Subquery(named_now), 0))
        .filter(named_count__gt=F("named_now"))
        .order_by("pk")
    )


def delivery_named_signers(*, delivery: Delivery) -> QuerySet:
    """Return (first name, last name, country) of the carried signers who chose to be named
    and whose name may be said (a name that does not look like one is counted, never named).

    Nothing else about a signer is ever read for a delivery: not their email, IP fingerprint,
    postcode or comment.
    """
    return (
        delivery_signatures(delivery=delivery)
        .named_in_delivery()
        .order_by("last_name", "first_name", "pk")
        .values_list("first_name", "last_name", "country")
    )


def delivery_counts_by_country(*, delivery: Delivery) -> dict[str, int]:
    """Return how many signatures the delivery carries from each country, largest first.

    Countries with fewer than COUNTRY_COUNT_THRESHOLD are merged into "other countries"
    (petitions/country_counts.py): the authorities must not be able to single anyone out.
    """
    return country_counts_merged(
        signatures_by_country(signatures=delivery_signatures(delivery=delivery)).items()
    )


def signatures_by_country(*, signatures: QuerySet[Signature]) -> dict[str, int]:
    """Return how many of `signatures` come from each country, before any merging."""
    rows = signatures.order_by().values("country").annotate(count=Count("pk"))
    return {row["country"]: row["count"] for row in rows}


def delivery_last_for(*, petition: Petition, target: Target) -> Delivery | None:
    return Delivery.objects.filter(petition=petition, target=target).order_by("-created_at").first()


def delivery_unsent_for(*, petition: Petition, target: Target) -> Delivery | None:
    """Return a delivery to `target` that has not gone yet, if there is one."""
    return Delivery.objects.unsent().filter(petition=petition, target=target).first()


def deliveries_due(*, now: datetime) -> list[DuePair]:
    """Return the (petition, target) pairs whose schedule says new signatures should go now.

    A pair is due when signatures wait and either `threshold` of them wait, or `every_days`
    have passed since its last delivery (since the schedule was set, before the first). A pair
    whose last delivery has not gone yet waits for it: the next batch would only pile up.
    """
    schedules = (
        DeliverySchedule.objects.filter(is_active=True)
        .filter(Q(every_days__isnull=False) | Q(threshold__isnull=False))
        .filter(petition__in=Petition.objects.public())
        .select_related("petition")
        .prefetch_related("petition__targets")
    )
    due = []
    for schedule in schedules:
        petition = schedule.petition
        for target in petition.targets.all():
            if delivery_unsent_for(petition=petition, target=target) is not None:
                continue
            awaiting = signatures_awaiting_delivery(petition=petition, target=target).count()
            if not awaiting:
                continue
            by_threshold = schedule.threshold is not None and awaiting >= schedule.threshold
            by_time = False
            if schedule.every_days is not None:
                last = delivery_last_for(petition=petition, target=target)
                since = last.created_at if last else schedule.created_at
                by_time = now - since >= timedelta(days=schedule.every_days)
            if by_threshold or by_time:
                due.append(DuePair(petition=petition, target=target, awaiting=awaiting))
    return due


def deliveries_public_for(*, petition: Petition) -> QuerySet[Delivery]:
    """Return the petition's sent deliveries, with what each target answered: the public history."""
    return (
        Delivery.objects.sent()
        .filter(petition=petition)
        .prefetch_related(
            Prefetch("replies", queryset=DeliveryReply.objects.order_by("recorded_at", "pk"))
        )
        .order_by("-sent_at", "-pk")
    )

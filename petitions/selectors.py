"""Reads for the public pages and the admin: counts, progress, recent signers."""

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django_countries import countries

# cache_errors(): what the cache raises when Redis is down; pages then use what the database holds.
from campaign.public_cache import cache_errors, public_object
from petitions.models import Petition, Signature

logger = logging.getLogger(__name__)

RECENT_SIGNERS_SECONDS = 15


@dataclass(frozen=True)
class PetitionProgress:
    count: int
    goal: int

    @property
    def percent(self) -> int:
        return min(100, self.count * 100 // self.goal) if self.goal else 100


@dataclass(frozen=True)
class RecentSigner:
    first_name: str
    country_name: str


def petition_count_cache_key(petition_id: int) -> str:
    return f"petitions:count:{petition_id}"


def signers_recent_cache_key(petition_id: int) -> str:
    return f"petitions:recent:{petition_id}"


def petition_open_for_campaign(*, campaign) -> Petition | None:
    """Return the petition the campaign's pages invite people to sign, if one is open."""
    if not campaign:
        return None
    return Petition.objects.open_for_signing().filter(campaign=campaign).order_by("pk").first()


def petition_public_by_slug(*, slug: str) -> Petition | None:
    return (
        Petition.objects.public()
        .select_related("campaign")
        .prefetch_related("targets")
        .filter(slug=slug)
        .first()
    )


def petition_for_signing(*, slug: str) -> Petition | None:
    """Return the public petition a signature is posted to, from this worker's memory.

    A surge of signatures then costs no petition query; staff changes reach every worker
    within a second, and signature_create checks the dates again.
    """
    return public_object(
        f"petitions:for-signing:{slug}",
        seconds=settings.SIGNATURE_PETITION_CACHE_SECONDS,
        load=lambda: Petition.objects.public().filter(slug=slug).first(),
    )


def petition_by_id(*, petition_id: int) -> Petition:
    """Return a petition, whatever its status, from this worker's memory (emails about it)."""
    return public_object(
        f"petitions:by-id:{petition_id}",
        seconds=settings.SIGNATURE_PETITION_CACHE_SECONDS,
        load=lambda: Petition.objects.get(pk=petition_id),
    )


def petition_signature_count(*, petition: Petition) -> int:
    """Return the confirmed count without counting rows on each page view.

    The cache holds the number (moved by each confirmation, reset by the reconciliation); the
    rows are counted only when the cache has nothing, and the last reconciled number is used
    when Redis is down.
    """
    key = petition_count_cache_key(petition.pk)
    try:
        count = cache.get(key)
        if count is None:
            count = Signature.objects.confirmed().filter(petition=petition).count()
            cache.add(key, count, timeout=None)
        return int(count)
    except cache_errors():
        logger.warning("Count read from the database: the cache is unreachable.", exc_info=True)
        return petition.confirmed_count


def petition_progress(*, petition: Petition) -> PetitionProgress:
    count = petition_signature_count(petition=petition)
    return PetitionProgress(count=count, goal=petition.goal_for(count))


def signers_recent(*, petition: Petition, limit: int = 8) -> list[RecentSigner]:
    """Return the latest confirmed signers who asked to be shown: first name and country only."""
    key = signers_recent_cache_key(petition.pk)
    try:
        rows = cache.get(key)
    except cache_errors():
        rows = None
    if rows is None:
        rows = list(
            Signature.objects.confirmed()
            .filter(petition=petition, show_first_name=True)
            .order_by("-confirmed_at")
            .values_list("first_name", "country")[:limit]
        )
        with contextlib.suppress(*cache_errors()):
            cache.set(key, rows, timeout=RECENT_SIGNERS_SECONDS)
    return [
        RecentSigner(first_name=first_name, country_name=str(countries.name(code)))
        for first_name, code in rows
    ]


def petitions_with_status_counts(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    """Annotate each petition with its number of signatures in every status (for staff)."""
    return queryset.annotate(
        **{
            f"{status}_signatures": Count("signatures", filter=Q(signatures__status=status))
            for status in Signature.Status.values
        }
    )


# Staff tools: exports, the admin's list at scale, the dashboard, erasure and retention.


@dataclass(frozen=True)
class SignatureExportFilters:
    """What an export holds; kept as JSON in the access trail and on a queued export."""

    petition_id: int | None = None
    status: str = ""
    signed_from: date | None = None
    signed_until: date | None = None
    country: str = ""
    named_only: bool = False

    def as_json(self) -> dict:
        return {
            "petition_id": self.petition_id,
            "status": self.status,
            "signed_from": self.signed_from.isoformat() if self.signed_from else None,
            "signed_until": self.signed_until.isoformat() if self.signed_until else None,
            "country": self.country,
            "named_only": self.named_only,
        }

    @classmethod
    def from_json(cls, data: dict) -> "SignatureExportFilters":
        return cls(
            petition_id=data.get("petition_id"),
            status=data.get("status") or "",
            signed_from=(
                date.fromisoformat(data["signed_from"]) if data.get("signed_from") else None
            ),
            signed_until=(
                date.fromisoformat(data["signed_until"]) if data.get("signed_until") else None
            ),
            country=data.get("country") or "",
            named_only=bool(data.get("named_only")),
        )


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def signatures_for_export(*, filters: SignatureExportFilters) -> QuerySet[Signature]:
    """Return the signatures an export with these filters holds (never erased ones)."""
    signatures = Signature.objects.not_erased()
    if filters.petition_id:
        signatures = signatures.filter(petition_id=filters.petition_id)
    if filters.status:
        signatures = signatures.filter(status=filters.status)
    if filters.signed_from:
        signatures = signatures.filter(created_at__gte=_day_start(filters.signed_from))
    if filters.signed_until:
        signatures = signatures.filter(
            created_at__lt=_day_start(filters.signed_until + timedelta(days=1))
        )
    if filters.country:
        signatures = signatures.filter(country=filters.country)
    if filters.named_only:
        signatures = signatures.filter(name_in_delivery=True)
    return signatures


def signatures_estimated_count() -> int | None:
    """Return PostgreSQL's estimate of the number of signatures, or None without one.

    Counting a million rows takes a second; the planner's estimate, kept by ANALYZE and
    autovacuum, is free and close enough for "about how many pages".
    """
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
            [Signature._meta.db_table],
        )
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] >= 0 else None


def signatures_of_person(*, email_normalized: str) -> QuerySet[Signature]:
    """Return every signature a mailbox gave, on every petition, not yet erased."""
    return Signature.objects.not_erased().filter(email_normalized=email_normalized)


def petitions_closed_delivered_before(*, moment: datetime) -> QuerySet[Petition]:
    """Return closed petitions whose last sent delivery went before `moment`."""
    return (
        Petition.objects.filter(status=Petition.Status.CLOSED)
        .annotate(last_delivery_at=Max("deliveries__sent_at", filter=Q(deliveries__status="sent")))
        .filter(last_delivery_at__lt=moment)
    )


@dataclass(frozen=True)
class DayCount:
    day: date
    signed: int
    confirmed: int


@dataclass(frozen=True)
class PetitionDashboard:
    """What staff see of a petition's signatures: numbers only, never a signer."""

    counts: dict[str, int]
    total: int
    confirmed_ever: int
    days: list[DayCount]
    top_countries: list[tuple[str, int]]
    top_sources: list[tuple[str, int]]
    direct: int
    first_day: date | None = None

    @property
    def confirmation_rate(self) -> int | None:
        """Return the share of signers who clicked their link, in percent."""
        return round(self.confirmed_ever * 100 / self.total) if self.total else None


def petition_dashboard(*, petition: Petition, days: int, top: int = 10) -> PetitionDashboard:
    """Return a petition's counts, signatures per day (the latest `days`) and top origins."""
    signatures = Signature.objects.filter(petition=petition).order_by()
    totals = signatures.aggregate(
        total=Count("pk"),
        confirmed_ever=Count("pk", filter=Q(confirmed_at__isnull=False)),
        **{status: Count("pk", filter=Q(status=status)) for status in Signature.Status.values},
    )
    today = timezone.localdate()
    since = today - timedelta(days=days - 1)
    per_day = {
        row["day"]: row
        for row in signatures.filter(created_at__gte=_day_start(since))
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(
            signed=Count("pk"),
            confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        )
        .order_by("day")
    }
    first = signatures.order_by("created_at").values_list("created_at", flat=True).first()
    first_day = timezone.localtime(first).date() if first else None
    start = max(since, first_day) if first_day else today
    day_counts = []
    for offset in range((today - start).days + 1):
        day = start + timedelta(days=offset)
        row = per_day.get(day, {})
        day_counts.append(
            DayCount(day=day, signed=row.get("signed", 0), confirmed=row.get("confirmed", 0))
        )
    counted = signatures.exclude(status=Signature.Status.INVALIDATED)
    countries_rows = (
        counted.values("country").annotate(count=Count("pk")).order_by("-count", "country")[:top]
    )
    sources = (
        counted.exclude(referral_code="")
        .values("referral_code")
        .annotate(count=Count("pk"))
        .order_by("-count", "referral_code")[:top]
    )
    return PetitionDashboard(
        counts={status: totals[status] for status in Signature.Status.values},
        total=totals["total"],
        confirmed_ever=totals["confirmed_ever"],
        days=day_counts,
        top_countries=[
            (str(countries.name(row["country"])), row["count"]) for row in countries_rows
        ],
        top_sources=[(row["referral_code"], row["count"]) for row in sources],
        direct=counted.filter(referral_code="").count(),
        first_day=first_day,
    )

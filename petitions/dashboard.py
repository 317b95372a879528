"""A petition's numbers for staff: counts per status, signatures per day, top origins.

It names nobody: every figure is a count.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from petitions.country_counts import OTHER_COUNTRIES, country_counts_merged, country_label
from petitions.models import Petition, Signature


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


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
    # Signed online, and of those confirmed at some point: paper signers get no link to click.
    online: int
    online_confirmed_ever: int
    days: list[DayCount]
    top_countries: list[tuple[str, int]]
    top_sources: list[tuple[str, int]]
    direct: int
    first_day: date | None = None
    # Confirmed signatures by how they were collected: "online" and "paper".
    confirmed_by_source: dict[str, int] | None = None

    @property
    def confirmation_rate(self) -> int | None:
        """Return the share of online signers who clicked their link, in percent."""
        return round(self.online_confirmed_ever * 100 / self.online) if self.online else None


def petition_dashboard(*, petition: Petition, days: int, top: int = 10) -> PetitionDashboard:
    """Return a petition's counts, signatures per day (the latest `days`) and top origins."""
    signatures = Signature.objects.filter(petition=petition).order_by()
    totals = signatures.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=Q(source="online")),
        online_confirmed_ever=Count("pk", filter=Q(source="online", confirmed_at__isnull=False)),
        confirmed_online=Count("pk", filter=Q(status="confirmed", source="online")),
        confirmed_paper=Count("pk", filter=Q(status="confirmed", source="paper")),
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
    # Every country is counted, then the small ones merged, before the top ones are taken.
    by_country = country_counts_merged(
        (row["country"], row["count"])
        for row in counted.values("country").annotate(count=Count("pk"))
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
        online=totals["online"],
        online_confirmed_ever=totals["online_confirmed_ever"],
        days=day_counts,
        top_countries=_top_countries(by_country, top=top),
        top_sources=[(row["referral_code"], row["count"]) for row in sources],
        direct=counted.filter(referral_code="").count(),
        first_day=first_day,
        confirmed_by_source={
            "online": totals["confirmed_online"],
            "paper": totals["confirmed_paper"],
        },
    )


def _top_countries(by_country: dict[str, int], *, top: int) -> list[tuple[str, int]]:
    """Return the `top` largest countries by name, and "other countries" last when it counts."""
    other = by_country.pop(OTHER_COUNTRIES, 0)
    rows = [(country_label(code), count) for code, count in list(by_country.items())[:top]]
    if other:
        rows.append((country_label(OTHER_COUNTRIES), other))
    return rows

"""What is happening now: signatures per minute against the usual rate, the sources trending,
and an alert to the petition's managers when one source passes the threshold staff set (IP
fingerprints, email domains and referral codes: the sources one actor controls).

A source is an IP fingerprint, an email domain, a country, a referral code or a browser's
family. IP fingerprints are comparable within a day only (their key changes daily), which is
all "trending now" needs. Sources with fewer signatures in the hour than
COUNTRY_COUNT_THRESHOLD are never listed: a rare domain or country could point at a person,
and so few signatures are no surge.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncMinute
from django.urls import reverse
from django.utils import timezone

from petitions.invalidation_models import trend_source_shown
from petitions.manager_emails import petition_managers_email
from petitions.models import EmailDomainRule, Petition, Signature, TrendAlert

# The sources one actor controls alert; a big country or browser passes any count threshold
# on a busy day, so those are shown on the dashboard but never alert.
ALERTING_DIMENSIONS = {"ip_hash", "email_domain", "referral_code"}
RECENT_HOURS = 3
USUAL_DAYS = 7
TOP_SOURCES = 5
# Each kind of source: the Signature field it is read from, and its name for staff.
DIMENSIONS = dict(TrendAlert.Dimension.choices)


@dataclass(frozen=True)
class TrendingSource:
    dimension: str
    value: str
    count: int
    share: int  # percent of the last hour's signatures

    @property
    def value_shown(self) -> str:
        return trend_source_shown(self.dimension, self.value)


@dataclass(frozen=True)
class SignatureRate:
    """Signatures per minute over the last hours, and the petition's usual rate."""

    per_minute: list[tuple[datetime, int]]
    usual_per_minute: float
    last_hour: int

    @property
    def last_ten_minutes_per_minute(self) -> float:
        return sum(count for _minute, count in self.per_minute[-10:]) / 10


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def signature_rate(*, petition: Petition, now: datetime | None = None) -> SignatureRate:
    """Return signatures per minute for the last RECENT_HOURS, and the usual rate before them."""
    now = now or timezone.now()
    since = _minute(now) - timedelta(hours=RECENT_HOURS) + timedelta(minutes=1)
    signatures = Signature.objects.filter(petition=petition).order_by()
    counted = dict(
        signatures.filter(created_at__gte=since)
        .annotate(minute=TruncMinute("created_at"))
        .values_list("minute")
        .annotate(count=Count("pk"))
        .values_list("minute", "count")
    )
    minutes = [since + timedelta(minutes=step) for step in range(RECENT_HOURS * 60)]
    per_minute = [(minute, counted.get(minute, 0)) for minute in minutes]
    usual_from = max(
        since - timedelta(days=USUAL_DAYS),
        signatures.filter(created_at__lt=since)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
        or since,
    )
    usual_minutes = max((since - usual_from).total_seconds() / 60, 1)
    usual = signatures.filter(created_at__gte=usual_from, created_at__lt=since).count()
    return SignatureRate(
        per_minute=per_minute,
        usual_per_minute=round(usual / usual_minutes, 2),
        last_hour=sum(count for _minute, count in per_minute[-60:]),
    )


def sources_trending(
    *, petition: Petition, now: datetime | None = None, at_least: int | None = None
) -> dict[str, list[TrendingSource]]:
    """Return, for each kind of source, the top sources of the last hour with their share."""
    now = now or timezone.now()
    floor = max(settings.COUNTRY_COUNT_THRESHOLD, 2) if at_least is None else at_least
    last_hour = Signature.objects.filter(
        petition=petition, created_at__gt=now - timedelta(hours=1)
    ).order_by()
    total = last_hour.count()
    trending: dict[str, list[TrendingSource]] = {}
    for dimension in DIMENSIONS:
        rows = (
            last_hour.exclude(**{dimension: ""})
            .values_list(dimension)
            .annotate(count=Count("pk"))
            .filter(count__gte=floor)
            .order_by("-count", dimension)
            .values_list(dimension, "count")[:TOP_SOURCES]
        )
        trending[dimension] = [
            TrendingSource(dimension, value, count, round(count * 100 / total))
            for value, count in rows
        ]
    return trending


def trend_alerts_raise(*, petition: Petition, now: datetime | None = None) -> list[TrendAlert]:
    """Record each source past the petition's threshold in the last hour, once per hour, and
    email the managers one message naming the new ones; return the new alerts."""
    now = now or timezone.now()
    if not petition.trend_alert_threshold:
        return []
    window_start = now.replace(minute=0, second=0, microsecond=0)
    allowed = set(
        EmailDomainRule.objects.filter(kind=EmailDomainRule.Kind.ALLOW).values_list(
            "domain", flat=True
        )
    )
    raised = []
    for dimension, sources in sources_trending(
        petition=petition, now=now, at_least=petition.trend_alert_threshold
    ).items():
        for source in sources:
            if dimension not in ALERTING_DIMENSIONS:
                break
            if dimension == "email_domain" and source.value in allowed:
                continue
            try:
                with transaction.atomic():
                    raised.append(
                        TrendAlert.objects.create(
                            petition=petition,
                            dimension=dimension,
                            value=source.value,
                            window_start=window_start,
                            count=source.count,
                            share=source.share,
                        )
                    )
            except IntegrityError:
                continue  # raised already this hour
    if raised:
        _alert_email(petition, raised)
    return raised


def _alert_email(petition: Petition, alerts: list[TrendAlert]) -> None:
    # The alert stays on the dashboard; the email is a courtesy on top.
    petition_managers_email(
        template="petitions/email/trend_alert",
        context={
            "petition": petition,
            "alerts": [(DIMENSIONS[alert.dimension], alert) for alert in alerts],
            "dashboard_url": settings.SITE_URL
            + reverse("admin:petitions_petition_dashboard", args=[petition.pk]),
        },
        about=f"trends on petition {petition.pk}",
    )


def trend_alerts_check(*, now: datetime | None = None) -> int:
    """Raise the alerts of every open petition; return how many were new."""
    return sum(
        len(trend_alerts_raise(petition=petition, now=now))
        for petition in Petition.objects.open_for_signing().filter(trend_alert_threshold__gt=0)
    )


def trend_alerts_recent(*, petition: Petition, hours: int = 24) -> list[TrendAlert]:
    """Return the alerts of the last `hours`, newest first."""
    since = timezone.now() - timedelta(hours=hours)
    return list(petition.trend_alerts.filter(created_at__gte=since))

"""The dashboard's "now" panel: signatures per minute against the usual rate, the sources
trending in the last hour, and the alerts raised (petitions/trends.py computes them)."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from petitions import trends
from petitions.models import Petition

RATE_WIDTH = 720
RATE_HEIGHT = 120
# Sources staff can invalidate by (petitions/invalidations.py criteria); not browser families.
INVALIDATION_CRITERIA = {"ip_hash", "email_domain", "country", "referral_code"}


def rate_chart(rate: trends.SignatureRate) -> dict:
    """Lay out one bar per minute and a line at the usual rate, for the dashboard's SVG."""
    highest = max(max((count for _m, count in rate.per_minute), default=0), rate.usual_per_minute)
    highest = highest or 1
    step = RATE_WIDTH / max(len(rate.per_minute), 1)
    bars = [
        {
            "minute": minute,
            "count": count,
            "x": round(index * step, 2),
            "width": round(max(step - 0.5, 0.5), 2),
            "y": round(RATE_HEIGHT - count * RATE_HEIGHT / highest, 2),
            "height": round(count * RATE_HEIGHT / highest, 2),
        }
        for index, (minute, count) in enumerate(rate.per_minute)
        if count
    ]
    return {
        "bars": bars,
        "width": RATE_WIDTH,
        "height": RATE_HEIGHT,
        "highest": highest,
        "usual_y": round(RATE_HEIGHT - rate.usual_per_minute * RATE_HEIGHT / highest, 2),
        # The times under the chart's two ends: without them an empty chart read as a blank.
        "first_minute": rate.per_minute[0][0] if rate.per_minute else None,
        "last_minute": rate.per_minute[-1][0] if rate.per_minute else None,
    }


def dashboard_trends_context(*, request: HttpRequest, petition: Petition) -> dict:
    """Return what the "now" panel shows; put the last hour's alerts in the admin's messages."""
    rate = trends.signature_rate(petition=petition)
    alerts = trends.trend_alerts_recent(petition=petition)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    for alert in alerts:
        if alert.created_at >= an_hour_ago:
            messages.warning(
                request,
                gettext("Alert: %(count)s signatures in an hour from one source (%(source)s).")
                % {
                    "count": intcomma(alert.count),
                    "source": gettext("%(label)s: %(value)s")
                    % {"label": alert.get_dimension_display(), "value": alert.value[:16]},
                },
            )
    trending = [
        (trends.DIMENSIONS[dimension], dimension in INVALIDATION_CRITERIA, sources)
        for dimension, sources in trends.sources_trending(petition=petition).items()
    ]
    return {
        "rate": rate,
        "rate_chart": rate_chart(rate),
        # A quiet hour is one sentence, not a table of five empty groups.
        "trending": trending if any(sources for _label, _can, sources in trending) else [],
        "alerts": alerts,
    }

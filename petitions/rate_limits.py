"""Rate limits on signing: which signatures are flagged for review, and the counting behind it.

A signature over a limit (per IP fingerprint, per email domain, each with a burst limit over a
minute and a sustained one over the longer window) is kept but flagged, never refused: staff
approve or invalidate it.

In a surge every signature passes here, so with Redis all its keys are counted in one round
trip: INCR, then EXPIRE NX, which sets the window's end only on a key that has none. Counting
through Django's cache API instead costs three round trips per key (add, exists, incr), and
a key whose window ends between the last two would be recreated by INCR with no expiry, to
flag every later signature from that address for good. Without Redis (the embedded defaults
of `make run`) the cache in process memory counts, through that API.
"""

import logging
from collections.abc import Sequence
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_noop

from core.public_cache import cache_errors
from core.shared_redis import shared_redis
from petitions.models import Petition
from petitions.review import status_reason_in_site_language

logger = logging.getLogger(__name__)


# Why a signature over each limit is held, as staff read it on the row.
_REASONS = {
    "ip": gettext_noop("Over the limit of signatures from one network"),
    "ip-burst": gettext_noop("Over the limit of signatures from one network in a minute"),
    "domain": gettext_noop("Over the limit of signatures from one email domain"),
    "domain-burst": gettext_noop("Over the limit of signatures from one email domain in a minute"),
}


class _Limit(NamedTuple):
    """One limit a signature counts against, and the cache key its hits are counted under."""

    name: str  # one of _REASONS
    key: str
    hits_allowed: int
    window_seconds: int


def _limits(
    *, petition: Petition, ip_hash: str, email_domain: str, domain_exempt: bool
) -> list[_Limit]:
    """Return each limit this signature counts against.

    Each source has a burst limit over a minute (a script fires fast) and a sustained one over
    the longer window (a patient one does not).
    """
    window = settings.SIGNATURE_RATE_LIMIT_WINDOW
    burst = settings.SIGNATURE_RATE_LIMIT_BURST_WINDOW
    limits = []
    if ip_hash:
        for name, limit, seconds in (
            ("ip", settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH, window),
            ("ip-burst", settings.SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH, burst),
        ):
            if limit > 0:
                key = f"petitions:rate:{name}:{petition.pk}:{ip_hash}"
                limits.append(_Limit(name, key, limit, seconds))
    if not domain_exempt and email_domain not in settings.SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS:
        for name, limit, seconds in (
            ("domain", settings.SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN, window),
            ("domain-burst", settings.SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN, burst),
        ):
            if limit > 0:
                key = f"petitions:rate:{name}:{petition.pk}:{email_domain}"
                limits.append(_Limit(name, key, limit, seconds))
    return limits


def signature_rate_limit_reason(
    *, petition: Petition, ip_hash: str, email_domain: str, domain_exempt: bool = False
) -> str:
    """Count this signature against its limits; return why it is over one, or "" if it is not.

    The reason is in the site's language, for staff reviewing the row (not the signer's).
    `domain_exempt`: the domain is on staff's allow list, so it is not limited per domain.
    """
    limits = _limits(
        petition=petition, ip_hash=ip_hash, email_domain=email_domain, domain_exempt=domain_exempt
    )
    if not limits:
        return ""
    try:
        counts = hits_count(
            [limit.key for limit in limits],
            window_seconds=[limit.window_seconds for limit in limits],
        )
    except cache_errors():
        # Redis is down: take the signature unflagged rather than lose or refuse it.
        logger.warning("Rate limits skipped: the cache is unreachable.", exc_info=True)
        return ""
    for count, limit in zip(counts, limits, strict=True):
        if count > limit.hits_allowed:
            return status_reason_in_site_language(_REASONS[limit.name])
    return ""


def hits_count(keys: Sequence[str], *, window_seconds: int | Sequence[int]) -> list[int]:
    """Count one more hit under each key; return each key's hits since its window began.

    A key's window begins at its first hit and lasts `window_seconds` (one for all keys, or
    one per key). Raises what the cache raises when Redis is down
    (`core.public_cache.cache_errors()`).
    """
    windows = [window_seconds] * len(keys) if isinstance(window_seconds, int) else window_seconds
    if not settings.REDIS_URL:
        return [
            _hits_count_in_cache(key, window_seconds=window)
            for key, window in zip(keys, windows, strict=True)
        ]
    with shared_redis().pipeline(transaction=False) as pipeline:
        for name, window in zip(map(cache.make_key, keys), windows, strict=True):
            pipeline.incr(name)
            pipeline.expire(name, window, nx=True)
        replies = pipeline.execute()
    return replies[::2]


def _hits_count_in_cache(key: str, *, window_seconds: int) -> int:
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr: this is a new one's first hit
        cache.add(key, 1, timeout=window_seconds)
        return 1

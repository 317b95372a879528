"""Keys drawn each day, shared by every process through the cache, and gone the day after.

A fingerprint made with such a key can be compared with others of the same day (rate limits,
review) but never recomputed once the key has expired, and the key is never written to the
database: a copy of the database, or tomorrow's server, cannot tell which address it was.

What the cache holds is only half of the day's key: it is mixed with a key of the server's
environment (`site_key`). A copy of the cache taken with the database, which holds the day's
fingerprints, then cannot test every IPv4 address against them (a few core-hours of HMACs).
"""

import hmac
import logging
import secrets
import time
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from core.public_cache import cache_errors

logger = logging.getLogger(__name__)

KEY_BYTES = 32
# A process asks the cache for the day's key at most this often.
MEMO_SECONDS = 60.0

_memo: dict[tuple[str, date], tuple[float, bytes]] = {}


def _expiry(day: date, *, kept_after: timedelta) -> int:
    """Return the seconds until the end of `day` plus `kept_after`."""
    end = timezone.make_aware(datetime.combine(day + timedelta(days=1), datetime.min.time()))
    return max(int((end + kept_after - timezone.now()).total_seconds()), 1)


def _mixed(drawn: bytes, *, site_key: str, purpose: str) -> bytes:
    if not site_key:
        raise ImproperlyConfigured(f"No site key is set for the daily key {purpose}.")
    return hmac.digest(site_key.encode(), f"daily-key\n{purpose}\n".encode() + drawn, "sha256")


def daily_key(
    purpose: str, *, kept_after: timedelta, site_key: str, day: date | None = None
) -> bytes:
    """Return the key of `purpose` for `day` (today), drawing it if no process has yet.

    The key drawn lives in the shared cache until the end of its day plus `kept_after`, then
    is gone for good; the key returned is it mixed with `site_key`, from the environment. If
    the cache cannot be reached, this process draws a key of its own for the day: its
    fingerprints then match no other process's, and nothing is written anywhere.
    """
    day = day or timezone.localdate()
    memo_key = (purpose, day)
    now = time.monotonic()
    memo = _memo.get(memo_key)
    if memo and memo[0] > now:
        return memo[1]
    cache_key = f"core:daily-key:{purpose}:{day.isoformat()}"
    try:
        drawn = secrets.token_bytes(KEY_BYTES)
        cache.add(cache_key, drawn, timeout=_expiry(day, kept_after=kept_after))
        key = _mixed(cache.get(cache_key) or drawn, site_key=site_key, purpose=purpose)
    except cache_errors():
        logger.warning("Daily key drawn in this process only: the cache is unreachable.")
        key = memo[1] if memo else secrets.token_bytes(KEY_BYTES)
    # Keep no earlier day's key in memory either.
    for stale in [memo_day for memo_day in _memo if memo_day[1] != day]:
        del _memo[stale]
    _memo[memo_key] = (now + MEMO_SECONDS, key)
    return key


def daily_keys_forget() -> None:
    """Forget the keys this process remembers (tests, and a process that wants none kept)."""
    _memo.clear()

"""The day's keys: shared by every process for a day, then gone; never written to the database."""

import logging
from datetime import date, datetime, timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from core import rotating_keys
from core.rotating_keys import daily_key, daily_keys_forget

WINDOW = timedelta(hours=1)
SITE_KEY = "a-key-of-the-servers-environment-of-32-characters"


@pytest.fixture(autouse=True)
def _fresh_keys():
    daily_keys_forget()
    cache.clear()
    yield
    daily_keys_forget()


def _on_day(monkeypatch, day: date, hour: int = 12) -> None:
    moment = timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(hours=hour))
    monkeypatch.setattr(rotating_keys.timezone, "now", lambda: moment)
    monkeypatch.setattr(rotating_keys.timezone, "localdate", lambda: moment.date())


def test_every_process_gets_the_same_key_on_the_same_day():
    first_process = daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY)
    daily_keys_forget()  # another process, with nothing in memory

    assert daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY) == first_process
    assert daily_key("other-purpose", kept_after=WINDOW, site_key=SITE_KEY) != first_process


def test_the_next_day_has_a_key_of_its_own(monkeypatch):
    _on_day(monkeypatch, date(2026, 11, 26))
    today = daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY)

    _on_day(monkeypatch, date(2026, 11, 27))

    assert daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY) != today


def test_the_cache_holds_half_of_the_key_and_the_environment_the_other():
    key = daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY)

    in_the_cache = cache.get(f"core:daily-key:signer-ip:{timezone.localdate().isoformat()}")
    assert len(in_the_cache) == rotating_keys.KEY_BYTES
    assert key != in_the_cache  # a copy of the cache alone does not give the key
    daily_keys_forget()
    assert daily_key("signer-ip", kept_after=WINDOW, site_key="another-servers-key") != key


def test_a_key_is_gone_from_the_cache_once_its_day_and_the_window_are_over(monkeypatch):
    _on_day(monkeypatch, date(2026, 11, 26), hour=18)
    daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY)

    cache_key = cache.make_and_validate_key("core:daily-key:signer-ip:2026-11-26")
    seconds_left = cache._cache.get_client(cache_key).ttl(cache_key)

    # Six hours to midnight, and one more for the rate-limit window.
    assert 7 * 3600 - 5 <= seconds_left <= 7 * 3600


def test_without_the_cache_a_process_keeps_a_key_of_its_own_and_says_so(monkeypatch, caplog):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr(cache, "add", unreachable)
    with caplog.at_level(logging.WARNING, logger="core.rotating_keys"):
        key = daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY)

    assert len(key) == rotating_keys.KEY_BYTES
    assert "this process only" in caplog.text
    monkeypatch.setattr(rotating_keys, "MEMO_SECONDS", 0.0)  # asks the cache again, still down
    assert daily_key("signer-ip", kept_after=WINDOW, site_key=SITE_KEY) == key

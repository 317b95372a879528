"""Signatures counted per IP fingerprint and email domain: one trip to Redis, windows that end."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from core.shared_redis import shared_redis
from petitions import rate_limits
from petitions.models import Signature

WINDOW = 3600


@pytest.fixture
def redis_client():
    return shared_redis()


def test_each_key_is_counted_apart_and_its_window_is_set_at_the_first_hit(redis_client):
    first = rate_limits.hits_count(["ip:a", "domain:b"], window_seconds=WINDOW)
    second = rate_limits.hits_count(["ip:a", "domain:b"], window_seconds=WINDOW)
    third = rate_limits.hits_count(["ip:a"], window_seconds=WINDOW)

    assert (first, second, third) == ([1, 1], [2, 2], [3])
    assert 0 < redis_client.ttl(cache.make_key("ip:a")) <= WINDOW


def test_a_window_that_ended_starts_again_from_one(redis_client):
    rate_limits.hits_count(["ip:a", "ip:a"], window_seconds=WINDOW)
    redis_client.expire(cache.make_key("ip:a"), 0)  # the hour has passed

    assert rate_limits.hits_count(["ip:a"], window_seconds=WINDOW) == [1]


def test_a_count_left_without_an_end_is_given_one_at_its_next_hit(redis_client):
    # What INCR does to a key whose window ended between a check and the increment.
    redis_client.set(cache.make_key("ip:a"), 5)

    rate_limits.hits_count(["ip:a"], window_seconds=WINDOW)

    assert 0 < redis_client.ttl(cache.make_key("ip:a")) <= WINDOW


def test_the_embedded_defaults_count_in_process_memory():
    memory = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(REDIS_URL="", CACHES=memory):
        counts = [rate_limits.hits_count(["ip:a", "ip:b"], window_seconds=WINDOW)]
        counts.append(rate_limits.hits_count(["ip:a"], window_seconds=WINDOW))

    assert counts == [[1, 1], [2]]


def test_with_redis_down_a_signature_is_taken_unchecked_rather_than_refused(sign):
    with override_settings(
        REDIS_URL="redis://127.0.0.1:1/0",
        SIGNATURE_RATE_LIMIT_PER_IP_HASH=1,
        SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN=1,
    ):
        signatures = [sign(email=f"relative{n}@example.org").signature for n in range(2)]

    assert {signature.status for signature in signatures} == {Signature.Status.PENDING}

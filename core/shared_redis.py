"""The process's one client of the shared Redis, for what Django's cache API says in more trips.

Rate limits count every key of a signature in one pipeline, and the wake of the confirmation
senders sets its key and reads its time to live in one. Keys are named as the cache names
them (`cache.make_key`), so the cache API reads and deletes them too. The redis package is
imported on first use only: a process that never asks (an export) never loads it.
"""

import functools

from django.conf import settings

# The callers never hold a signature up for Redis: past this, they go on without it.
TIMEOUT_SECONDS = 1.0


@functools.cache
def _client_for(url: str):
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS
    )


def shared_redis():
    """Return the client of settings.REDIS_URL, made once per process and URL.

    Only for a process that has REDIS_URL set; its errors are `core.public_cache.cache_errors()`.
    """
    return _client_for(settings.REDIS_URL)

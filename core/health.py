"""`/healthz` and `/readyz`, for the proxy in front and whatever restarts the processes.

They are answered before any other middleware: no host check (a probe names a node by its
address), no HTTPS redirect (probes speak plain HTTP to the node), no session, locale, CSRF or
page cache, and `Cache-Control: no-store`, so that a probe always hears this process now.

- `/healthz`: the process answers. Nothing else is asked: a node whose database is down is
  alive and must not be restarted for it.
- `/readyz`: the database and the shared cache answer too; 503 naming what did not, within
  about READINESS_TIMEOUT_SECONDS for each.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READINESS_PATH = "/readyz"
READINESS_TIMEOUT_SECONDS = 2


def database_answers() -> bool:
    """Run one query on a connection of this process's pool, as a request would.

    The pool is asked with the probe's own timeout rather than the pool's (which lets a
    request wait out a blip); without a pool (SQLite under `make run`), on Django's connection.
    """
    pool = getattr(connection, "pool", None)
    try:
        if pool is not None:
            pool.open()  # as Django does before its first connection; nothing once open
            with pool.connection(timeout=READINESS_TIMEOUT_SECONDS) as database:
                return database.execute("SELECT 1").fetchone() == (1,)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.warning("Readiness: the database did not answer.", exc_info=True)
        return False


def shared_cache_answers() -> bool:
    """PING the Redis of the shared cache; True when there is none (one machine, `make run`)."""
    if not settings.REDIS_URL:
        return True
    from redis import Redis
    from redis.exceptions import RedisError

    client = Redis.from_url(
        settings.REDIS_URL,
        socket_timeout=READINESS_TIMEOUT_SECONDS,
        socket_connect_timeout=READINESS_TIMEOUT_SECONDS,
    )
    try:
        return bool(client.ping())
    except (RedisError, OSError):
        logger.warning("Readiness: the shared cache (Redis) did not answer.", exc_info=True)
        return False
    finally:
        client.close()


def _uncached(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def health_response() -> HttpResponse:
    return _uncached(HttpResponse(b"ok\n", content_type="text/plain"))


def readiness_response() -> HttpResponse:
    checks = {"database": database_answers(), "cache": shared_cache_answers()}
    ready = all(checks.values())
    return _uncached(
        JsonResponse(
            {name: "ok" if answered else "unreachable" for name, answered in checks.items()},
            status=200 if ready else 503,
        )
    )


class HealthMiddleware:
    """Answer the two probes before any other middleware sees the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD"):
            if request.path_info == HEALTH_PATH:
                return health_response()
            if request.path_info == READINESS_PATH:
                return readiness_response()
        return self.get_response(request)

"""Waking the confirmation senders: at most one Celery message per moment, whatever the surge.

After a signature commits, the web process sets a short-lived key in Redis, and only the
request that set it queues a sender (a Celery task that sends every email due). While the key
lives, a sender is on its way: the web process remembers until when, and its later signatures
ask Redis nothing. So a sender that finds no more work waits for the key to end before its last
look (`wake_key_wait_out`), and sees every signature that counted on it. A sender that finds a
full batch calls in one more, so that a backlog is shared by every worker process.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache

from core.public_cache import cache_errors
from core.shared_redis import shared_redis

logger = logging.getLogger(__name__)

# Publish to the broker once more on a fresh connection (Redis restarted), then give up at once:
# the signature is saved and the sweep sends its email.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
# While this key lives, a sender is on its way: later signatures need not queue another.
WAKE_KEY = "petitions:confirmation-senders:wake"
WAKE_SECONDS = 1
# A sender that finds a full batch calls in one more, at most this often, so that a backlog is
# shared by every worker process instead of drained by one.
HELPER_KEY = "petitions:confirmation-senders:helper"
HELPER_SECONDS = 0.5

# Until this moment (time.monotonic()) this process knows the wake key lives: its signatures
# need not ask Redis, since the sender woken for the key looks again once it is gone.
_wake_key_alive_until = 0.0


def _senders_in_process() -> bool:
    """Tell whether tasks run in this process as they are queued (`make run`, most tests)."""
    from petitions.tasks import confirmations_send_task

    return confirmations_send_task.app.conf.task_always_eager


def _wake_key_set() -> tuple[bool, float]:
    """Set the wake key unless it lives; return whether this call set it, and its life left.

    With Redis, one round trip says both. Without (in process memory), the life is unknown: 0.
    """
    if not settings.REDIS_URL:
        return cache.add(WAKE_KEY, 1, timeout=WAKE_SECONDS), 0.0
    with shared_redis().pipeline(transaction=False) as pipeline:
        name = cache.make_key(WAKE_KEY)
        pipeline.set(name, 1, nx=True, px=int(WAKE_SECONDS * 1000))
        pipeline.pttl(name)
        was_set, milliseconds_left = pipeline.execute()
    return bool(was_set), max(milliseconds_left, 0) / 1000


def wake_key_wait_out() -> None:
    """Let every signature that counted on the wake key be committed before the last look.

    A sender in the web process (`make run`) clears the key instead: the next signature then
    calls it again, and nothing waits for a key's end in a visitor's request.
    """
    try:
        if _senders_in_process() or not settings.REDIS_URL:
            cache.delete(WAKE_KEY)
            return
        milliseconds_left = shared_redis().pttl(cache.make_key(WAKE_KEY))
    except cache_errors():
        logger.warning("Wake key not read: the cache is unreachable.")
        return
    if milliseconds_left > 0:
        time.sleep(milliseconds_left / 1000)


def confirmation_senders_wake() -> None:
    """Have a worker send the confirmation emails now due, unless one is already on its way.

    Costs a signature one Redis round trip at most, none while this process knows the wake
    key lives; at most one Celery message leaves per key. If Redis or the broker is down, the
    sweep sends the emails instead.
    """
    global _wake_key_alive_until
    from petitions.tasks import confirmations_send_task

    asked_at = time.monotonic()
    if asked_at < _wake_key_alive_until:
        return
    try:
        woken, seconds_left = _wake_key_set()
    except cache_errors():
        logger.warning("Confirmation senders woken without a key: the cache is unreachable.")
        woken, seconds_left = True, 0.0
    if not _senders_in_process():
        # From before the question was asked: never past the key's true end.
        _wake_key_alive_until = asked_at + seconds_left
    if not woken:
        return
    try:
        confirmations_send_task.apply_async(retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:
        logger.warning("Confirmation senders not woken; the sweep will send.", exc_info=True)


def helper_wake() -> None:
    """Queue one more sender while this one finds full batches, at most every HELPER_SECONDS."""
    from petitions.tasks import confirmations_send_task

    if _senders_in_process():
        return  # in-process (`make run`): this very sender sends everything
    try:
        if cache.add(HELPER_KEY, 1, timeout=HELPER_SECONDS):
            confirmations_send_task.apply_async(retry=False)
    except Exception:
        logger.warning("No helper sender queued; this one goes on alone.", exc_info=True)

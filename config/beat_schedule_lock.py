"""One beat schedules at a time, however many are started: a lock in Redis, renewed each tick.

Beat may run on every machine (a spare in case one dies, or two started by mistake): only the
one holding the lock sends what is due; the others stand by, asking again every second. The
lock expires BEAT_LOCK_SECONDS after its holder's last tick, so a beat that died (SIGKILL, a
machine lost) hands the schedule over within that time. A Redis that restarted empty loses
the lock with everything else, and the first beat to ask takes it again.

A holder paused for longer than the lock's life (a stopped VM) may send one tick's tasks after
another beat took over; every periodic task of the site is safe to run twice, so this costs a
repeated sweep, never a lost or doubled signature.
"""

import logging
import uuid

from celery.beat import PersistentScheduler
from redis import Redis
from redis.exceptions import LockError, RedisError

logger = logging.getLogger(__name__)

BEAT_LOCK_KEY = "mamat:beat-schedule-lock"
# Longer than beat's longest sleep between ticks (CELERY_BEAT_MAX_LOOP_INTERVAL) and a slow
# tick; short enough that a spare takes over soon after its holder died.
BEAT_LOCK_SECONDS = 15
STANDBY_TICK_SECONDS = 1.0


class LockedScheduler(PersistentScheduler):
    """Celery's own scheduler (its file of last runs), run only while this beat holds the lock."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lock_token = uuid.uuid4().hex
        self.lock_held = False
        self._lock = Redis.from_url(
            self.app.conf.broker_url, socket_timeout=2, socket_connect_timeout=2
        ).lock(BEAT_LOCK_KEY, timeout=BEAT_LOCK_SECONDS, thread_local=False)

    def tick(self, *args, **kwargs) -> float:
        if not self.schedule_lock_hold():
            return STANDBY_TICK_SECONDS
        return super().tick(*args, **kwargs)

    def schedule_lock_hold(self) -> bool:
        """Renew this beat's lock, or take it when free; say whether this beat holds it now."""
        was_held = self.lock_held
        try:
            if self.lock_held:
                try:
                    self._lock.reacquire()
                except LockError:
                    # Expired and perhaps taken by another beat, or Redis restarted empty.
                    self.lock_held = False
            if not self.lock_held:
                self.lock_held = bool(self._lock.acquire(blocking=False, token=self.lock_token))
        except (RedisError, OSError):
            # Without Redis there is no broker to send to either: schedule nothing until it
            # answers, rather than risk two beats scheduling.
            logger.warning("beat: Redis unreachable, not scheduling until it answers.")
            self.lock_held = False
        if self.lock_held and not was_held:
            logger.info("beat: holding the schedule lock; this beat sends what is due.")
        elif was_held and not self.lock_held:
            logger.warning("beat: lost the schedule lock; standing by.")
        elif not self.lock_held and not getattr(self, "_standby_said", False):
            logger.info("beat: another beat holds the schedule lock; standing by.")
            self._standby_said = True
        return self.lock_held

    def close(self) -> None:
        if self.lock_held:
            try:
                self._lock.release()
            except (LockError, RedisError, OSError):
                logger.info("beat: the schedule lock had already gone.")
            self.lock_held = False
        super().close()

"""Two beats started on two machines: one schedules, the other stands by and takes over."""

import time

import pytest
import redis
from celery import Celery
from django.conf import settings

from config.beat_schedule_lock import BEAT_LOCK_KEY, STANDBY_TICK_SECONDS, LockedScheduler


@pytest.fixture
def beat_app():
    app = Celery("beat-lock-test", broker=settings.REDIS_URL)
    app.conf.beat_schedule = {"sweep": {"task": "sweep", "schedule": 0.01}}
    app.conf.beat_max_loop_interval = 5
    redis.Redis.from_url(settings.REDIS_URL).delete(BEAT_LOCK_KEY)
    yield app
    redis.Redis.from_url(settings.REDIS_URL).delete(BEAT_LOCK_KEY)


@pytest.fixture
def start_beat(beat_app, tmp_path):
    started = []

    def start(name: str):
        beat = LockedScheduler(app=beat_app, schedule_filename=str(tmp_path / name))
        beat.sent = []
        beat.apply_entry = lambda entry, producer=None: beat.sent.append(entry.name)
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.close()


def ticks(beat, count: int = 5) -> None:
    for _ in range(count):
        beat.tick()
        time.sleep(0.02)  # the sweep is due every 0.01 s


def test_the_second_beat_stands_by_while_the_first_schedules(start_beat):
    first, second = start_beat("first"), start_beat("second")

    ticks(first)
    assert second.tick() == STANDBY_TICK_SECONDS
    ticks(second)
    ticks(first)

    assert first.lock_held and first.sent
    assert not second.lock_held and second.sent == []


def test_a_beat_that_stops_hands_the_schedule_over(start_beat):
    first, second = start_beat("first"), start_beat("second")
    ticks(first)

    first.close()
    ticks(second)

    assert second.lock_held and second.sent


def test_a_beat_whose_lock_expired_and_was_taken_stops_scheduling(start_beat):
    # The first beat was paused past the lock's life (or Redis restarted empty) and the
    # second took the schedule: when the first wakes it must not schedule too.
    first, second = start_beat("first"), start_beat("second")
    ticks(first)
    redis.Redis.from_url(settings.REDIS_URL).delete(BEAT_LOCK_KEY)
    ticks(second)
    sent_before = list(first.sent)

    ticks(first)

    assert not first.lock_held and first.sent == sent_before
    assert second.lock_held


def test_without_redis_no_beat_schedules(beat_app, tmp_path):
    beat_app.conf.broker_url = "redis://127.0.0.1:1/0"
    beat = LockedScheduler(app=beat_app, schedule_filename=str(tmp_path / "alone"))
    beat.apply_entry = lambda entry, producer=None: pytest.fail("scheduled without the lock")

    assert beat.tick() == STANDBY_TICK_SECONDS
    assert not beat.lock_held

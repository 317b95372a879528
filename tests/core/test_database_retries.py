"""Recording what already happened through a database blip, never past the sender's claim."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, OperationalError
from django.utils import timezone

from core import database_retries
from core.database_retries import attempt_longest, database_write_retry


@pytest.fixture(autouse=True)
def _no_pause(monkeypatch):
    monkeypatch.setattr(database_retries, "RETRY_PAUSE_SECONDS", 0)
    monkeypatch.setattr(database_retries.time, "sleep", lambda seconds: None)


def _failing(times: int, error=OperationalError):
    calls = []

    def write():
        calls.append(1)
        if len(calls) <= times:
            raise error("the database is away")
        return "recorded"

    return write, calls


def test_a_write_is_tried_again_until_the_database_answers():
    write, calls = _failing(2)

    assert database_write_retry(write, until=timezone.now() + timedelta(minutes=5)) == "recorded"
    assert len(calls) == 3


def test_no_try_starts_that_could_end_after_the_claim():
    write, calls = _failing(5)
    # A try may wait the pool's timeout: one begun now could end after `until`.
    until = timezone.now() + attempt_longest() - timedelta(seconds=1)

    with pytest.raises(OperationalError):
        database_write_retry(write, until=until)
    assert len(calls) == 1


def test_an_error_of_the_data_is_raised_at_once():
    write, calls = _failing(1, error=IntegrityError)

    with pytest.raises(IntegrityError):
        database_write_retry(write, until=timezone.now() + timedelta(minutes=5))
    assert len(calls) == 1


def test_the_longest_try_is_the_pools_timeout(settings):
    assert attempt_longest() == timedelta(
        seconds=settings.DATABASES["default"]["OPTIONS"]["pool"]["timeout"]
    )

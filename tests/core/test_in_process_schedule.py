"""Under `make run` no Celery beat runs: `manage.py schedule_run` runs beat's schedule itself."""

import logging
import os
import signal

import pytest
from celery import current_app
from django.core.management import CommandError, call_command

from core import in_process_schedule

RAN: list[str] = []


@current_app.task
def note_a() -> None:
    RAN.append("a")


@current_app.task
def note_b() -> None:
    RAN.append("b")


@current_app.task
def note(label: str, *, times: int = 1) -> None:
    RAN.extend([label] * times)


@current_app.task
def fail() -> None:
    RAN.append("fail")
    raise RuntimeError("the mail server is down")


@current_app.task
def terminate_this_process() -> None:
    RAN.append("terminated")
    os.kill(os.getpid(), signal.SIGTERM)


class SigtermNotHandled(BaseException):
    pass


def _sigterm_not_handled_by_the_command(signum, frame) -> None:
    raise SigtermNotHandled


class FakeClock:
    """Time that passes only when the schedule sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(autouse=True)
def _nothing_ran_yet():
    RAN.clear()


def test_every_task_runs_at_start_then_each_at_its_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "often": {"task": note_a.name, "schedule": 10.0},
        "daily": {"task": note_b.name, "schedule": 86400.0},
    }
    clock = FakeClock()

    in_process_schedule.schedule_run(rounds=4, clock=clock, sleep=clock.sleep)

    # A daily task runs at once (a `make run` session is short), then waits its day.
    assert RAN == ["a", "b", "a", "a", "a"]
    assert clock.now == 1030.0


def test_a_failing_task_is_logged_and_the_others_still_run(settings, caplog):
    settings.CELERY_BEAT_SCHEDULE = {
        "broken": {"task": fail.name, "schedule": 10.0},
        "next": {"task": note_a.name, "schedule": 10.0},
    }
    clock = FakeClock()

    with caplog.at_level(logging.ERROR, logger="core.in_process_schedule"):
        in_process_schedule.schedule_run(rounds=2, clock=clock, sleep=clock.sleep)

    assert RAN == ["fail", "a", "fail", "a"]
    assert "The scheduled task broken failed." in caplog.text
    assert "the mail server is down" in caplog.text


def test_an_entry_s_arguments_reach_its_task_as_beat_would_send_them(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "with-arguments": {
            "task": note.name,
            "schedule": 10.0,
            "args": ("c",),
            "kwargs": {"times": 2},
            "options": {"expires": 10.0},
        },
    }
    clock = FakeClock()

    in_process_schedule.schedule_run(rounds=1, clock=clock, sleep=clock.sleep)

    assert RAN == ["c", "c"]


def test_with_a_broker_the_command_leaves_the_schedule_to_celery_beat(settings, site_language):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    with pytest.raises(CommandError) as refused:
        call_command("schedule_run", "--once")

    assert str(refused.value) == (
        "CELERY_BROKER_URL est défini\N{NO-BREAK SPACE}: Celery beat exécute le calendrier "
        "(deploy/systemd/)."
    )


def test_every_entry_of_the_site_s_schedule_is_an_interval_the_command_can_run():
    entries = in_process_schedule.schedule_entries()

    assert entries and all(entry.every_seconds > 0 for entry in entries)
    assert all(entry.task in current_app.tasks for entry in entries)


def test_sigterm_stops_the_command_cleanly_as_ctrl_c_does(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        "stopped": {"task": terminate_this_process.name, "schedule": 10.0},
        "after": {"task": note_a.name, "schedule": 10.0},
    }
    # Should the command leave SIGTERM alone, this handler fails the test (where Python's
    # default would kill the test run).
    handler_before = signal.signal(signal.SIGTERM, _sigterm_not_handled_by_the_command)
    try:
        call_command("schedule_run")  # would loop for ever but for the SIGTERM
        handler_after = signal.getsignal(signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, handler_before)

    assert RAN == ["terminated"]
    assert handler_after is _sigterm_not_handled_by_the_command

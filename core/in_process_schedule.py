"""Beat's schedule run in one process, where there is no broker (`make run`).

Without a broker, tasks run in the process that asks for them, and no Celery beat runs: the
sweeps, the sealing of personal data past its time, retention, the purge of expired export
files would never run. `manage.py schedule_run` (started by `make run` beside runserver) runs
settings.CELERY_BEAT_SCHEDULE here: every entry once at start, since a session of `make run`
is short and a daily entry would otherwise never come, then each at its interval. Every
entry is safe to run twice or late (config/settings/celery.py).
"""

import importlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from celery import current_app
from django.conf import settings

logger = logging.getLogger(__name__)


class ScheduleNotInProcess(Exception):
    """A broker is set: Celery beat runs the schedule, not this process."""


@dataclass(frozen=True)
class ScheduleEntry:
    name: str
    task: str
    every_seconds: float
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


def schedule_entries() -> list[ScheduleEntry]:
    """Return the entries of CELERY_BEAT_SCHEDULE, each with its interval in seconds, their
    tasks' modules imported (each task is named after its module, as Celery names it)."""
    entries = []
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        every = entry["schedule"]
        if isinstance(every, timedelta):
            every = every.total_seconds()
        if not isinstance(every, int | float):
            raise TypeError(f"The schedule of {name} is not an interval: {every!r}.")
        task = str(entry["task"])
        importlib.import_module(task.rpartition(".")[0])
        entries.append(
            ScheduleEntry(
                name=name,
                task=task,
                every_seconds=float(every),
                args=tuple(cast(Iterable[Any], entry.get("args", ()))),
                kwargs=dict(cast(Mapping[str, Any], entry.get("kwargs", {}))),
            )
        )
    return entries


def schedule_entry_run(entry: ScheduleEntry) -> None:
    """Run one entry's task in this process; log a failure, never raise it."""
    try:
        current_app.tasks[entry.task].apply(args=entry.args, kwargs=entry.kwargs, throw=True)
    except Exception:
        logger.exception("The scheduled task %s failed.", entry.name)


def schedule_run(
    *,
    rounds: int | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Run every entry now, then each when its interval has passed, until stopped (or for
    `rounds` passes over the schedule, for tests)."""
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        raise ScheduleNotInProcess
    entries = schedule_entries()
    due_at = dict.fromkeys((entry.name for entry in entries), clock())
    done = 0
    while rounds is None or done < rounds:
        for entry in entries:
            if clock() >= due_at[entry.name]:
                schedule_entry_run(entry)
                due_at[entry.name] = clock() + entry.every_seconds
        done += 1
        if rounds is None or done < rounds:
            sleep(max(0.0, min(due_at.values()) - clock()))

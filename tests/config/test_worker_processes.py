"""How the Celery worker runs beside the web server: its CPU priority."""

from pathlib import Path

import pytest

from tests.config.processes import python_printed


def _worker_priority(*, new_session: bool, **environment: str) -> tuple[str, str, str]:
    """Start a worker's process as Celery does and read back its niceness, its session group's
    niceness ("none" outside any autogroup) and whether it runs in Linux's idle class."""
    niceness, idle_class, *autogroup = python_printed(
        WORKER_STARTS, new_session=new_session, **environment
    )
    return niceness, _group_niceness(" ".join(autogroup)), idle_class


def _group_niceness(autogroup: str) -> str:
    """The niceness of a session's CPU group, or "none" for a process outside any autogroup:
    the kernel prints nothing for a session an init never started (as a CI runner may be)."""
    return (autogroup.split() or ["none"])[-1]


REPORT_PRIORITY = (
    "import os; from pathlib import Path; "
    "print(os.nice(0), os.sched_getscheduler(0) == os.SCHED_IDLE); "
    "print(Path('/proc/self/autogroup').read_text())"
)
WORKER_STARTS = (
    "import django; django.setup(); "
    "from celery import signals; from config.celery_app import app; "
    "signals.worker_init.send(sender=None); " + REPORT_PRIORITY
)


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no Linux autogroups")
def test_a_worker_started_as_production_does_gives_the_web_server_the_cpu_first():
    niceness, group_niceness, idle_class = _worker_priority(new_session=True)

    assert (niceness, group_niceness, idle_class) == ("19", "19", "True")


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no Linux autogroups")
def test_a_worker_typed_into_a_terminal_slows_nothing_else_of_the_terminal():
    ours_before = Path("/proc/self/autogroup").read_text()

    niceness, group_niceness, _idle_class = _worker_priority(new_session=False)

    assert niceness == "19"
    assert Path("/proc/self/autogroup").read_text() == ours_before
    assert group_niceness == _group_niceness(ours_before)


def test_a_worker_with_a_machine_of_its_own_keeps_its_priority():
    niceness, _group, idle_class = _worker_priority(new_session=True, CELERY_WORKER_NICENESS="0")

    assert (niceness, idle_class) == ("0", "False")

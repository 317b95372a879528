"""How the Celery worker runs beside the web server: its CPU priority, at work and stopping."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.celery_worker import task_publish, wait_for, worker_environment
from tests.config.held_tasks import task_held_until_released
from tests.config.processes import ROOT, python_printed
from tests.process_groups import process_group_start, process_groups_stop


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


LEAVES_THE_IDLE_CLASS = (
    "import os, subprocess, sys, threading; "
    "from config.cpu_priority import cpu_priority_idle_leave, cpu_priority_lower; "
    "cpu_priority_lower(19); "
    # The child waits for its parent to end (its standard input closes), even by an error.
    "child = subprocess.Popen([sys.executable, '-c', 'import sys; sys.stdin.read()'], "
    "stdin=subprocess.PIPE, stdout=subprocess.DEVNULL); "
    "thread = threading.Thread(target=threading.Event().wait, args=(60,), daemon=True); "
    "thread.start(); "
    "cpu_priority_idle_leave(); "
    "idle = lambda tid: os.sched_getscheduler(tid) == os.SCHED_IDLE; "
    "print(idle(0), idle(thread.native_id), idle(child.pid)); "
    "print(os.nice(0), os.getpriority(os.PRIO_PROCESS, child.pid)); "
    "print(open('/proc/self/autogroup').read().split()[-1])"
)


NO_IDLE_CLASS = not hasattr(os, "SCHED_IDLE") or not Path("/proc/self/autogroup").exists()


@pytest.mark.skipif(NO_IDLE_CLASS, reason="no Linux idle class or autogroups")
def test_a_worker_leaving_the_idle_class_takes_its_threads_children_and_group_along():
    printed = python_printed(LEAVES_THE_IDLE_CLASS, new_session=True)

    assert printed == ["False", "False", "False", "19", "19", "0"]


NO_NICE_LIMIT = "import resource; resource.setrlimit(resource.RLIMIT_NICE, (0, 0)); "


@pytest.mark.skipif(
    NO_IDLE_CLASS or os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="needs Linux's idle class and autogroups, root and setpriv to drop CAP_SYS_NICE",
)
def test_a_worker_the_kernel_keeps_in_the_idle_class_stops_all_the_same():
    # As a service user without `LimitNICE=+19`: no CAP_SYS_NICE, RLIMIT_NICE 0.
    command = [
        "setpriv", "--inh-caps=-sys_nice", "--bounding-set=-sys_nice",
        sys.executable, "-c", NO_NICE_LIMIT + LEAVES_THE_IDLE_CLASS,
    ]  # fmt: skip
    completed = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["True", "True", "True", "19", "19", "0"]


@pytest.fixture
def worker_at_production_priority(broker, tmp_path):
    """A prefork worker at production's CELERY_WORKER_NICENESS, in a session of its own as
    systemd starts it, which also runs the test's held task."""
    env = worker_environment(broker_url=broker.conf.broker_url, CELERY_WORKER_NICENESS="19")
    log = tmp_path / "worker.log"
    command = [
        sys.executable, "-m", "celery", "-A", "config.celery_app", "worker",
        "--pool=prefork", "--concurrency=2", "--loglevel=INFO",
        "--include=tests.config.held_tasks",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
        f"--hostname=priority-test-{os.getpid()}@%h",
    ]  # fmt: skip
    process = process_group_start(command, env=env, log=log)
    try:
        wait_for(lambda: " ready." in log.read_text(), what="the worker to start", log=log)
        yield process, log
    finally:
        process_groups_stop([process])


@pytest.mark.skipif(NO_IDLE_CLASS, reason="no Linux idle class or autogroups")
def test_a_worker_asked_to_stop_finishes_its_task_with_a_normal_share_of_the_cpu(
    worker_at_production_priority, broker, tmp_path
):
    worker, log = worker_at_production_priority
    task_publish(broker, task_held_until_released, str(tmp_path))
    wait_for(lambda: (tmp_path / "started").exists(), what="the task to start", log=log)
    at_work = _priorities(worker.pid)
    group_at_work = _worker_group_niceness(worker.pid)
    task_process = int((tmp_path / "started").read_text())

    worker.send_signal(signal.SIGTERM)  # as systemd stops it (KillMode=mixed)
    _until(
        lambda: (
            set(_priorities(worker.pid).values()) == {"normal, nice 19"}
            and _worker_group_niceness(worker.pid) == "0"
        )
    )
    stopping = _priorities(worker.pid)
    group_stopping = _worker_group_niceness(worker.pid)
    (tmp_path / "release").touch()
    worker.wait(timeout=60)

    assert len({pid for pid, _thread in at_work}) == 3  # the main process and its pool of 2
    assert set(at_work.values()) == {"idle, nice 19"}
    # The pool's other process, with no task, may have gone already.
    assert {pid for pid, _thread in stopping} >= {worker.pid, task_process}
    assert set(stopping.values()) == {"normal, nice 19"}
    assert (group_at_work, group_stopping) == ("19", "0")
    assert (tmp_path / "finished").exists(), log.read_text()[-3000:]
    assert worker.returncode == 0, log.read_text()[-3000:]


def _priorities(pid: int) -> dict[tuple[int, int], str]:
    """The scheduling class and niceness of each thread of `pid` and of its children."""
    processes = [pid] + [
        int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent(stat) == pid
    ]
    priorities = {}
    for process in processes:
        for task in Path(f"/proc/{process}/task").glob("*"):
            thread = int(task.name)
            try:
                idle = os.sched_getscheduler(thread) == os.SCHED_IDLE
                niceness = os.getpriority(os.PRIO_PROCESS, thread)
            except OSError:  # the thread has ended since
                continue
            priorities[process, thread] = f"{'idle' if idle else 'normal'}, nice {niceness}"
    return priorities


def _worker_group_niceness(pid: int) -> str:
    return _group_niceness(Path(f"/proc/{pid}/autogroup").read_text())


def _parent(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):  # the process has ended since
        return None


def _until(condition, *, seconds: float = 20) -> None:
    """Wait for `condition`, at most `seconds`; the assertions that follow say what was seen."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)

"""Processes the tests start (gunicorn, Celery workers), each leading a process group of its own.

A Celery worker forks its pool and, with `--beat`, beat. Each is stopped here as systemd
stops it in production, and whatever of its group outlives it is killed: never left running,
orphaned, taking and publishing tasks after the test.
"""

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def process_group_start(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start `command` from the project's root as the leader of a new group, output to `log`."""
    with log.open("a") as output:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def process_groups_stop(processes: Iterable[subprocess.Popen], *, seconds: float = 20) -> None:
    """Stop each process as systemd stops our units (KillMode=mixed, deploy/systemd/).

    SIGTERM goes to each leader, all at once, which stops its children as it would in
    production (Celery's warm shutdown, gunicorn's graceful one); after `seconds`, SIGKILL goes
    to whatever is left of each group, a child that outlived its leader included.
    """
    processes = list(processes)
    for process in processes:
        process.terminate()  # nothing, if it has ended already
    deadline = time.monotonic() + seconds
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0, deadline - time.monotonic()))
    for process in processes:
        process_group_kill(process)


def process_group_kill(process: subprocess.Popen) -> None:
    """SIGKILL the process and its children at once, as the kernel's OOM killer would."""
    with contextlib.suppress(ProcessLookupError):  # the whole group has gone already
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()

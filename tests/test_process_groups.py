"""The harness's own promise: a process a test starts leaves nothing running after the test."""

import os
import sys
import time

from tests.process_groups import process_group_start, process_groups_stop

# A leader whose child outlives it, deaf to SIGTERM, as a stuck pool process or beat could.
LEADER_AND_STUBBORN_CHILD = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "; ".join([
    "import os, signal, time",
    "signal.signal(signal.SIGTERM, signal.SIG_IGN)",
    "print(os.getpid(), flush=True)",  # only once deaf to SIGTERM
    "time.sleep(120)",
])])
time.sleep(120)
"""


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # reaped by init, or a zombie on its way out
        return stat.read().split(") ")[1][0] != "Z"


def test_stopping_a_process_also_ends_the_child_that_outlives_it(tmp_path):
    log = tmp_path / "leader.log"
    leader = process_group_start(
        [sys.executable, "-c", LEADER_AND_STUBBORN_CHILD], env=dict(os.environ), log=log
    )
    deadline = time.monotonic() + 30
    while not log.read_text().strip() and time.monotonic() < deadline:
        time.sleep(0.05)
    child = int(log.read_text())

    process_groups_stop([leader], seconds=1)

    assert leader.returncode is not None
    deadline = time.monotonic() + 10
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(child)

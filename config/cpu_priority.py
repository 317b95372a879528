"""Give a process the machine's CPU last, so that what people wait for runs first."""

import contextlib
import os
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")


def cpu_priority_lower(niceness: int) -> None:
    """Lower this process's CPU priority (and its children's) to `niceness`, 0 to 19.

    Linux schedules each session as one group ("autogroup") before it looks at nice values, so
    a niced process in a session of its own (as honcho, systemd or `make bench` start one)
    would still get as much CPU as the web server's whole session. Such a session leader
    lowers its group too; a process sharing its session (a worker typed into a terminal)
    leaves the group alone, since that would slow the terminal's other processes.
    """
    os.nice(max(niceness - os.nice(0), 0))
    if niceness >= 19 and hasattr(os, "SCHED_IDLE"):
        # Linux's idle class: run only on a core nothing else wants, and give it up the moment
        # anything else wakes (a web worker whose query has answered), not at the end of a slice.
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if os.getsid(0) == os.getpid():
        # No autogroups (another kernel, another OS, cgroups without them): nice alone applies.
        with contextlib.suppress(OSError):
            AUTOGROUP.write_text(str(niceness))

"""Give a process the machine's CPU last, so that what people wait for runs first."""

import contextlib
import os
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")
PROC = Path("/proc")


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


def cpu_priority_idle_leave() -> None:
    """Take this process and every process it started out of Linux's idle class.

    For a worker asked to stop: in the idle class, its last tasks and its shutdown run only on
    a core nothing else wants, and in a surge may not run before systemd's stop timeout kills
    it. They go back to the normal class at the niceness they had (19). A session leader also
    gives its session's group (see `cpu_priority_lower`) back nice 0, which any user may: the
    group's niceness, not the class, decides what the session gets beside the web server's.

    The kernel lets a process without CAP_SYS_NICE leave the idle class only if its nice
    value is within its RLIMIT_NICE (`LimitNICE=+19` in deploy/systemd/mamat-worker.service);
    where it is not, the processes stay in the idle class and stop as they would have.
    Linux schedules threads, not processes: each thread of each process is moved.
    """
    if not hasattr(os, "SCHED_IDLE") or os.sched_getscheduler(0) != os.SCHED_IDLE:
        return
    for pid in [os.getpid(), *_descendants(os.getpid())]:
        for thread in _threads(pid):
            # The thread has ended meanwhile, or the kernel refuses (RLIMIT_NICE): leave it.
            with contextlib.suppress(OSError):
                if os.sched_getscheduler(thread) == os.SCHED_IDLE:
                    os.sched_setscheduler(thread, os.SCHED_OTHER, os.sched_param(0))
    if os.getsid(0) == os.getpid():
        # Refused to a user without CAP_SYS_ADMIN within 0.1 s of any other such write (EAGAIN).
        with contextlib.suppress(OSError):
            AUTOGROUP.write_text("0")


def _descendants(pid: int) -> list[int]:
    """The processes `pid` started (a worker's pool, its embedded beat), and theirs."""
    children: dict[int, list[int]] = {}
    for stat in PROC.glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            # "pid (command) state ppid …": the command may hold spaces and parentheses.
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(stat.parent.name))
    found, waiting = [], list(children.get(pid, []))
    while waiting:
        child = waiting.pop()
        found.append(child)
        waiting.extend(children.get(child, []))
    return found


def _threads(pid: int) -> list[int]:
    try:
        return [int(task.name) for task in (PROC / str(pid) / "task").iterdir()]
    except OSError:  # the process has ended, or there is no /proc
        return [pid]

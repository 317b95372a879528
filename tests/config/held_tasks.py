"""A task the worker tests hold under way: it runs until the test lets it finish.

Not discovered with the apps' tasks: a test's worker imports it with `--include`.
"""

import os
import time
from pathlib import Path

from celery import shared_task

HOLD_SECONDS = 120


@shared_task
def task_held_until_released(directory: str) -> None:
    """Write `started` (with this pool process's id), wait for the test to write `release`,
    then write `finished`."""
    folder = Path(directory)
    (folder / "started").write_text(str(os.getpid()))
    deadline = time.monotonic() + HOLD_SECONDS
    while not (folder / "release").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    (folder / "finished").touch()

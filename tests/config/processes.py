"""Run a few lines of Python in a process of its own, as a server or a worker would start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def python_printed(code: str, *, new_session: bool = False, **environment: str) -> list[str]:
    """Run `code` with the production settings (plus `environment`); return the words it printed."""
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings.base"} | environment,
        capture_output=True,
        text=True,
        timeout=60,
        start_new_session=new_session,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout.split()

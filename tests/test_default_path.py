"""The smoke tests of tests/default_path/ on `make run`'s defaults: SQLite, DEBUG on.

The suite runs on PostgreSQL; these run in a pytest of their own, since Django settings
cannot change database engine inside one process.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def pytest_on_make_runs_defaults(*arguments: str) -> subprocess.CompletedProcess:
    """Run pytest in a process of its own on `make run`'s defaults (SQLite, DEBUG on)."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL"}
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=tests.default_path.settings",
            "-o",
            "django_debug_mode=true",
            *arguments,
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_signing_confirming_exporting_delivering_and_sealing_work_on_make_runs_defaults():
    result = pytest_on_make_runs_defaults("-o", "python_files=smoke_*.py", "tests/default_path")

    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "\n15 passed" in result.stdout, result.stdout[-2000:]

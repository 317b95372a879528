"""`make scale`, shortened: two nodes behind nginx, one of them and a worker killed mid-surge.

The same program as `make scale` (bench/scale.py), with a 14 s surge instead of 36 and the node
down 5 s instead of 10, on a database of its own (and, like make scale, a redis-server of its own).
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (shutil.which("nginx") and shutil.which("wrk")),
    reason="nginx and wrk are not installed (.ci/run installs them)",
)


def test_a_node_and_a_worker_killed_mid_surge_lose_nothing_and_double_nothing(tmp_path):
    database = settings.DATABASES["default"]
    results = tmp_path / "scale-results.json"

    run = subprocess.run(
        [sys.executable, "-m", "bench.scale",
         "--duration", "14", "--kill-at", "3", "--down-for", "5", "--budget", "360",
         "--database-url",
         f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
         f"{database['PORT'] or 5432}/{database['NAME']}_scale",
         "--work", str(tmp_path / "work"), "--results", str(results)],
        cwd=ROOT, capture_output=True, text=True, timeout=420, check=False,
    )  # fmt: skip

    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    report = json.loads(results.read_text())
    signatures = report["signatures"]
    assert signatures["accepted_by_the_proxy"] > 100
    assert signatures["accepted_but_lost"] == 0
    assert signatures["marked_sent_in_database"] == signatures["stored"]
    assert report["emails"]["stored_signers_not_mailed"] == 0
    assert report["emails"]["signers_sent_two_different_emails"] == 0
    assert report["count"]["reconciled_count"] == report["count"]["confirmed_rows"] > 0
    assert report["beats"]["beats_that_sent"] == 1
    assert report["proxy"]["posts_passed_on_after_reaching_a_node"] == 0
    # The edit made while both nodes were up showed on both within the bound of the README.
    both_up = report["edits"][-1]["seconds_to_show_by_node"]
    assert max(both_up.values()) < 3, both_up

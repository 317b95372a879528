"""What a Django process holds in memory before it does anything: exports must stay small."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_an_export_process_never_loads_the_redis_client_it_does_not_use():
    # The redis package costs about 20 MB: a 1M-row export fits in 100 MB only without it.
    code = (
        "import sys, django; django.setup(); "
        "import campaign.public_cache, petitions.services, petitions.exports; "
        "from django.core.management import load_command_class; "
        "load_command_class('petitions', 'export_signatures'); "
        "print('redis' in sys.modules)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "REDIS_URL": "redis://127.0.0.1:6379/1",
            "CELERY_BROKER_URL": "redis://127.0.0.1:6379/1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["False"]

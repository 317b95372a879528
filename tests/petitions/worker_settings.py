"""Settings for the Celery workers that tests/petitions/test_worker.py starts.

The test settings with what the worker needs to behave as in production: a real email
backend (an SMTP sink the test listens on, or a flaky ESP) and the test's own queue; and
beat's intervals and the retries' backoff shortened from minutes to a second.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BEAT_SCHEDULE

EMAIL_BACKEND = os.environ["WORKER_EMAIL_BACKEND"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKER_QUEUE"]
SIGNATURE_EMAIL_RETRY_BACKOFF = 1
SIGNATURE_CONFIRMATION_CLAIM_SECONDS = int(os.environ.get("WORKER_CLAIM_SECONDS", "60"))
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0, "options": {"expires": 1.0}}
    for name, entry in CELERY_BEAT_SCHEDULE.items()
    if name
    in {
        "petitions-confirmations-send",
        "petitions-counts-reconcile",
        "petitions-withdrawal-links-send",
    }
}

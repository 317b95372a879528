"""Settings for the Celery workers that tests/petitions/test_worker.py starts.

The test settings with what the worker needs to behave as in production: a real email
backend (an SMTP sink the test listens on, or a flaky ESP) and the test's own queue.
"""

import os

from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = os.environ["WORKER_EMAIL_BACKEND"]
CELERY_TASK_DEFAULT_QUEUE = os.environ["WORKER_QUEUE"]

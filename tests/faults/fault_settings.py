"""Settings for the gunicorn and Celery processes the fault tests start.

Production's behaviour on the test database, with what takes minutes in production (backoffs,
claims, beat's intervals) shortened to seconds, email to the test's SMTP server, and a Celery
queue of the test's own.
"""

import os

from config.settings.test import *  # noqa: F403
from config.settings.test import CELERY_BEAT_SCHEDULE

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 10
CELERY_TASK_DEFAULT_QUEUE = os.environ["FAULTS_QUEUE"]
SIGNATURE_EMAIL_RETRY_BACKOFF = 1
SIGNATURE_EMAIL_RETRY_LONGEST = 2
# Long enough for a sender that heard the server accept an email to record it through the
# database cut of test_database_cut.py (10 s), the pool's reconnection, and a last try that
# may wait the pool's timeout (10 s) before the claim ends: instead of leaving it to be sent
# again.
SIGNATURE_CONFIRMATION_CLAIM_SECONDS = 30
DELIVERY_EMAIL_RETRY_BACKOFF = 1
DELIVERY_EMAIL_RETRY_LONGEST = 2
DELIVERY_SEND_CLAIM_SECONDS = 30
CELERY_BEAT_SCHEDULE = {
    name: {**entry, "schedule": 1.0, "options": {"expires": 1.0}}
    for name, entry in CELERY_BEAT_SCHEDULE.items()
    if name in {"petitions-confirmations-send", "deliveries-run-due", "petitions-counts-reconcile"}
}
# Every signer here comes from 127.0.0.1: the rate limits would hold most of them for review.
SIGNATURE_RATE_LIMIT_PER_IP_HASH = 0
SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN = 0
SIGNATURE_RATE_LIMIT_BURST_PER_IP_HASH = 0
SIGNATURE_RATE_LIMIT_BURST_PER_EMAIL_DOMAIN = 0

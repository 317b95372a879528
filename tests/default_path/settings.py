"""The site as `make run` serves it: SQLite in a file, DEBUG on, tasks in-process, no Redis.

Only what no developer's machine has is set here: the keys (`make run` makes its own) and the
places files go. tests/test_default_path.py runs tests/default_path/ under these settings.
"""

import os
import tempfile
from pathlib import Path

_SCRATCH = Path(tempfile.mkdtemp(prefix="mamat-default-path-"))

os.environ["DEBUG"] = "true"
os.environ["DATABASE_URL"] = f"sqlite:///{_SCRATCH / 'db.sqlite3'}"
for name in ("REDIS_URL", "CELERY_BROKER_URL", "EMAIL_BACKEND"):
    os.environ.pop(name, None)
# Test-only keys; tests/sealing_keys.py holds the private half of this public key.
os.environ["SEALING_PUBLIC_KEY"] = "jlPSkaIr0XswfGyE3Nk9DoXm1C5Xtc/bAEpp8UkmYUw="
os.environ["SIGNER_MAILBOX_KEY"] = "test-only-signer-mailbox-key-of-32-characters-or-more"
os.environ["ACCESS_TRAIL_KEY"] = "test-only-access-trail-key-of-32-characters-or-more"
os.environ["ERASURE_RECORD_KEY"] = "test-only-erasure-record-key-of-32-characters-or-more"
os.environ["NEWS_ADDRESS_KEY"] = "test-only-news-address-key-of-32-characters-or-more"
os.environ["REMINDER_ADDRESS_KEY"] = "test-only-reminder-address-key-of-32-characters-or-more"
os.environ["LEDGER_SIGNING_KEY"] = "vp0UUJwJ5FWbYGvFoNDBfOgBYcNgAkzxy27zkLVcQ98="
os.environ["SITE_URL"] = "http://testserver"
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"

from config.settings.base import *  # noqa: E402, F403

# A file, as `make run` keeps it, rather than the in-memory database SQLite tests default to.
DATABASES["default"]["TEST"] = {"NAME": str(_SCRATCH / "test.sqlite3")}  # noqa: F405
MEDIA_ROOT = _SCRATCH / "media"
STATIC_ROOT = _SCRATCH / "static"
DELIVERY_FILES_ROOT = _SCRATCH / "deliveries"
EXPORT_FILES_ROOT = _SCRATCH / "exports"
ERASURE_JOURNAL_ROOT = _SCRATCH / "erasure-journal"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

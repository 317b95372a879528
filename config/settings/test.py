"""Tests run against real PostgreSQL and Redis on localhost (override with the URLs)."""

import os

os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mamat")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("SITE_URL", "http://testserver")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
# Test-only keys; tests/sealing_keys.py holds the private half of this public key.
os.environ.setdefault("SEALING_PUBLIC_KEY", "jlPSkaIr0XswfGyE3Nk9DoXm1C5Xtc/bAEpp8UkmYUw=")
os.environ.setdefault("SIGNER_MAILBOX_KEY", "test-only-signer-mailbox-key-of-32-characters-or-more")
os.environ.setdefault("ACCESS_TRAIL_KEY", "test-only-access-trail-key-of-32-characters-or-more")
os.environ.setdefault("ERASURE_RECORD_KEY", "test-only-erasure-record-key-of-32-characters-or-more")
os.environ.setdefault("NEWS_ADDRESS_KEY", "test-only-news-address-key-of-32-characters-or-more")
os.environ.setdefault(
    "REMINDER_ADDRESS_KEY", "test-only-reminder-address-key-of-32-characters-or-more"
)
# Its public half is uZOMvg0xT7RsckJ8KLDzbo7twJFKLxpaGMyAE02GE2M=.
os.environ.setdefault("LEDGER_SIGNING_KEY", "vp0UUJwJ5FWbYGvFoNDBfOgBYcNgAkzxy27zkLVcQ98=")

from .base import *  # noqa: F403

# Tests that need the public page cache switch it on themselves.
PUBLIC_PAGE_CACHE_SECONDS = 0
SIGNATURE_COUNT_CACHE_SECONDS = 0
SIGNATURE_PETITION_CACHE_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests must not depend on `make assets` having collected files into a manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = BASE_DIR / "build" / "test-media"  # noqa: F405
ERASURE_JOURNAL_ROOT = BASE_DIR / "build" / "test-erasure-journal"  # noqa: F405
STATIC_ROOT = BASE_DIR / "build" / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

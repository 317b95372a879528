"""Settings for every environment, read from the environment.

The defaults run the whole site on one machine (SQLite, tasks in-process, email to the
console); production differs only by environment variables (see README).
"""

from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
# Empty outside DEBUG unless set: management commands such as `check` still run, while the web
# server refuses to start (config/serving.py) and `check --deploy` fails.
SECRET_KEY = env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before django.contrib.admin.
    "modeltranslation",
    # django.contrib.admin, served by a site that requires a second factor (staff/).
    "staff.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "anymail",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_prose_editor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "staff",
    "campaign",
    "petitions",
    "deliveries",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "campaign.context_processors.site_navigation",
            ],
        },
    },
]

# Database: SQLite on one machine; PostgreSQL (psycopg 3, Django's pool) when DATABASE_URL says so.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps connections, not Django
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, process memory otherwise.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mamat"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: without a broker, tasks run in-process so that one command runs the whole site.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's Redis transport, minus a new client per command (config/broker.py); rediss://
    # keeps kombu's own, which sets up TLS from the scheme.
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Worker processes, one per core and as many again: the tasks wait on the ESP and PostgreSQL
# as much as they compute. Celery closes a prefork child's database connections (and Django's
# pool) after every task unless CELERY_DB_REUSE_MAX says how many tasks may share them: without
# it the worker opened three connections per email (measured by make bench).
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="prefork")
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=4)
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000) or None
# The worker's CPU priority, 0 (as the web server) to 19 (last, in Linux's idle class): in a
# surge on one machine the web server takes every signature first and the worker sends their
# emails with the CPU it leaves (make bench: it had taken 10 of 24 CPU-seconds while 64
# clients signed). 0 where the worker has a machine of its own.
CELERY_WORKER_NICENESS = env.int("CELERY_WORKER_NICENESS", default=19)
CELERY_BEAT_SCHEDULE: dict = {}

# Email: the console locally; SMTP or any anymail ESP in production.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Libérez Mamat <campagne@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Every ANYMAIL_* variable goes to anymail as is: ANYMAIL_POSTMARK_SERVER_TOKEN becomes
# ANYMAIL["POSTMARK_SERVER_TOKEN"]. Choose the ESP with EMAIL_BACKEND.
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in env.ENVIRON.items()
    if key.startswith("ANYMAIL_")
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: French first, English complete. Uyghur (right to left) has its columns and
# templates ready and is switched on with ENABLE_UYGHUR once its translations are reviewed.
LANGUAGE_CODE = "fr"
ENABLE_UYGHUR = env.bool("ENABLE_UYGHUR", default=False)
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
if ENABLE_UYGHUR:
    LANGUAGES.append(("ug", _("Uyghur")))
# Translated columns exist for every language we prepare, whether it is switched on or not,
# so that switching Uyghur on never needs a migration.
MODELTRANSLATION_LANGUAGES = ("fr", "en", "ug")
MODELTRANSLATION_DEFAULT_LANGUAGE = "fr"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("fr",), "ug": ("en", "fr")}
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Paris")

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# build/static holds what `make assets` builds from npm packages (Bootstrap compiled from Sass).
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")

# Public pages are kept in each worker's memory this long (0 turns it off); staff edits reach
# every worker within a second whatever this is.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=0 if DEBUG else 10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Nothing leaves the origin: every asset is ours and no inline script runs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE only reaches the header of pages that use it (the admin's rich text editor).
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# Security headers, and HTTPS everywhere once DEBUG is off.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# ---------------------------------------------------------------------------------------------
# Petitions: signing, the confirmation email, anti-abuse and the live counter.
# Every number here can be changed by an environment variable of the same name.
# ---------------------------------------------------------------------------------------------
INSTALLED_APPS += ["django_countries"]  # its country names, in every language
# The IP address is never stored: only an HMAC keyed by this (derived from SECRET_KEY if empty).
# Rotating it makes rate limits and review forget the addresses they had seen.
SIGNATURE_IP_HMAC_KEY = env.str("SIGNATURE_IP_HMAC_KEY", default="")
# Behind a reverse proxy, how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
SIGNATURE_TRUSTED_PROXY_COUNT = env.int("SIGNATURE_TRUSTED_PROXY_COUNT", default=0)
# Signatures over a limit are kept and flagged for review instead of counted; 0 turns one off.
# Families, offices and universities share one address, so the IP limit is generous.
SIGNATURE_RATE_LIMIT_PER_IP_HASH = env.int("SIGNATURE_RATE_LIMIT_PER_IP_HASH", default=20)
SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN = env.int(
    "SIGNATURE_RATE_LIMIT_PER_EMAIL_DOMAIN", default=100
)
SIGNATURE_RATE_LIMIT_WINDOW = env.int("SIGNATURE_RATE_LIMIT_WINDOW", default=3600)  # seconds
# Providers that millions share are never limited per domain.
SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS = env.list(
    "SIGNATURE_RATE_LIMIT_EXEMPT_EMAIL_DOMAINS",
    default=[
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr",
        "live.com", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "icloud.com", "me.com",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "bbox.fr", "gmx.fr",
        "gmx.de", "gmx.net", "web.de", "proton.me", "protonmail.com", "yandex.ru", "mail.ru",
        "qq.com", "163.com",
    ],
)  # fmt: skip
# The confirmation link: how long it works, and how many times a pending signer who signs
# again is sent it (the first email included).
SIGNATURE_CONFIRMATION_MAX_AGE = env.int("SIGNATURE_CONFIRMATION_MAX_AGE", default=30 * 86400)
SIGNATURE_CONFIRMATION_SEND_CAP = env.int("SIGNATURE_CONFIRMATION_SEND_CAP", default=3)
# The sweep sends confirmations still owed this many seconds after signing (the broker was
# down, a worker died); sending holds a claim this long so that two workers never both send.
SIGNATURE_CONFIRMATION_SWEEP_AFTER = env.int("SIGNATURE_CONFIRMATION_SWEEP_AFTER", default=120)
SIGNATURE_CONFIRMATION_SWEEP_INTERVAL = env.float(
    "SIGNATURE_CONFIRMATION_SWEEP_INTERVAL", default=60.0
)
SIGNATURE_CONFIRMATION_CLAIM_SECONDS = env.int(
    "SIGNATURE_CONFIRMATION_CLAIM_SECONDS", default=max(EMAIL_TIMEOUT * 3, 60)
)
# Retries on ESP errors back off exponentially from this many seconds.
SIGNATURE_EMAIL_RETRY_BACKOFF = env.int("SIGNATURE_EMAIL_RETRY_BACKOFF", default=30)
SIGNATURE_EMAIL_MAX_RETRIES = env.int("SIGNATURE_EMAIL_MAX_RETRIES", default=8)
# Bump when the privacy notice beside the sign button changes: each signature records it.
SIGNATURE_PRIVACY_NOTICE_VERSION = env.str("SIGNATURE_PRIVACY_NOTICE_VERSION", default="2025-1")
# The counter may lag: confirmations add to a cached number, reconciled with the true count.
SIGNATURE_COUNT_RECONCILE_INTERVAL = env.float("SIGNATURE_COUNT_RECONCILE_INTERVAL", default=30.0)
SIGNATURE_COUNT_POLL_SECONDS = env.int("SIGNATURE_COUNT_POLL_SECONDS", default=20)
# Each web worker answers the count endpoint from memory for this long (0 turns it off).
SIGNATURE_COUNT_CACHE_SECONDS = env.int("SIGNATURE_COUNT_CACHE_SECONDS", default=2)
# Each web worker keeps the petition that signatures are posted to for this long (0: never).
SIGNATURE_PETITION_CACHE_SECONDS = env.int("SIGNATURE_PETITION_CACHE_SECONDS", default=5)
# A supporter must see success even when the broker is down: publish once, fail fast, and
# leave the rest to the sweep.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
# kombu would otherwise retry connecting for seconds before a publish fails (workers reconnect
# by their own settings, not these).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE.update(
    {
        "petitions-confirmations-owed": {
            "task": "petitions.tasks.confirmations_owed_send",
            "schedule": SIGNATURE_CONFIRMATION_SWEEP_INTERVAL,
        },
        "petitions-counts-reconcile": {
            "task": "petitions.tasks.petition_counts_reconcile",
            "schedule": SIGNATURE_COUNT_RECONCILE_INTERVAL,
        },
    }
)

# ---------------------------------------------------------------------------------------------
# Staff accounts: two-step login to the admin, lockout, idle expiry and the access trail
# (staff/, README "Staff accounts"). Every number can be changed by an environment variable.
# ---------------------------------------------------------------------------------------------
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Libérez Mamat")
# After this many failed passwords or codes within the window, an account is locked for
# STAFF_LOCKOUT_SECONDS (`manage.py staff_unlock USERNAME` lifts it sooner). A network (an IP
# address's HMAC) has a higher limit, so that one locked colleague does not lock the office.
STAFF_LOGIN_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=10)
STAFF_LOGIN_NETWORK_FAILURE_LIMIT = env.int("STAFF_LOGIN_NETWORK_FAILURE_LIMIT", default=30)
STAFF_LOGIN_FAILURE_WINDOW_SECONDS = env.int("STAFF_LOGIN_FAILURE_WINDOW_SECONDS", default=86400)
STAFF_LOCKOUT_SECONDS = env.int("STAFF_LOCKOUT_SECONDS", default=1800)
# How long after the password the second factor (or enrolment) may be given.
STAFF_SECOND_FACTOR_WINDOW_SECONDS = env.int("STAFF_SECOND_FACTOR_WINDOW_SECONDS", default=600)
# A staff session ends after this long without a request.
STAFF_SESSION_IDLE_SECONDS = env.int("STAFF_SESSION_IDLE_SECONDS", default=1800)
# Behind a reverse proxy, how many proxies append to X-Forwarded-For (0: use REMOTE_ADDR).
STAFF_TRUSTED_PROXY_COUNT = env.int("STAFF_TRUSTED_PROXY_COUNT", default=0)
# The trail keeps an HMAC of the IP address, never the address: keyed by this (derived from
# SECRET_KEY if empty).
ACCESS_TRAIL_IP_HMAC_KEY = env.str("ACCESS_TRAIL_IP_HMAC_KEY", default="")
# Trail entries older than this are deleted every night.
ACCESS_TRAIL_RETENTION_DAYS = env.int("ACCESS_TRAIL_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["access-events-purge-expired"] = {
    "task": "staff.tasks.access_events_purge_expired",
    "schedule": 24 * 3600,
}

# ---------------------------------------------------------------------------------------------
# Deliveries: confirmed signatures sent to the petition's targets in batches (deliveries/,
# README "Deliveries"). Every number can be changed by an environment variable.
# ---------------------------------------------------------------------------------------------
# The letters and signer lists sent are kept here, outside MEDIA_ROOT: the lists name signers
# and must never be served. Production can point STORAGES["deliveries"] at a private bucket.
DELIVERY_FILES_ROOT = env.path("DELIVERY_FILES_ROOT", default=BASE_DIR / "private" / "deliveries")
STORAGES["deliveries"] = {"BACKEND": "deliveries.storage.DeliveryFileStorage"}
# A Unicode TrueType font for the letter (Debian's fonts-dejavu-core by default); without one
# the letter falls back on a built-in font and Western European characters.
DELIVERY_PDF_FONT = env.str(
    "DELIVERY_PDF_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
# How often beat looks for petitions whose schedule says a delivery is due.
DELIVERY_RUN_INTERVAL = env.float("DELIVERY_RUN_INTERVAL", default=15 * 60.0)
# A delivery still "sending" this long after a worker claimed it was interrupted (the worker
# died): the next run sends it again, see deliveries.services.deliveries_interrupted_resume.
DELIVERY_SEND_CLAIM_SECONDS = env.int("DELIVERY_SEND_CLAIM_SECONDS", default=15 * 60)
# Retries on ESP errors back off exponentially from this many seconds.
DELIVERY_EMAIL_RETRY_BACKOFF = env.int("DELIVERY_EMAIL_RETRY_BACKOFF", default=60)
DELIVERY_EMAIL_MAX_RETRIES = env.int("DELIVERY_EMAIL_MAX_RETRIES", default=8)
CELERY_BEAT_SCHEDULE["deliveries-run-due"] = {
    "task": "deliveries.tasks.deliveries_run_due",
    "schedule": DELIVERY_RUN_INTERVAL,
}
# fontTools reports every glyph table it trims from the letter's font at INFO.
LOGGING.setdefault("loggers", {})["fontTools"] = {"level": "WARNING"}

# ---------------------------------------------------------------------------------------------
# Staff tools: signature exports, erasure and retention (petitions/, README "Staff tools").
# Every number can be changed by an environment variable of the same name.
# ---------------------------------------------------------------------------------------------
# Exports with more rows than this are written by a worker and downloaded from a link;
# smaller ones stream straight to the browser.
EXPORT_ASYNC_THRESHOLD = env.int("EXPORT_ASYNC_THRESHOLD", default=50_000)
# How long an export's download link works; its file is deleted after that.
EXPORT_LINK_HOURS = env.int("EXPORT_LINK_HOURS", default=24)
# Export files name signers: kept outside MEDIA_ROOT, in storage that only the admin reads.
EXPORT_FILES_ROOT = env.path("EXPORT_FILES_ROOT", default=BASE_DIR / "private" / "exports")
STORAGES["signature_exports"] = {"BACKEND": "petitions.storage.SignatureExportStorage"}
# Signatures never confirmed are deleted this many days after signing.
RETENTION_PENDING_DAYS = env.int("RETENTION_PENDING_DAYS", default=30)
# Signatures of a closed petition are anonymised this many months after its last delivery.
RETENTION_AFTER_DELIVERY_MONTHS = env.int("RETENTION_AFTER_DELIVERY_MONTHS", default=12)
# The dashboard's chart shows at most this many days (the latest ones).
DASHBOARD_CHART_DAYS = env.int("DASHBOARD_CHART_DAYS", default=90)
CELERY_BEAT_SCHEDULE["petitions-retention-apply"] = {
    "task": "petitions.tasks.signatures_retention_apply",
    "schedule": 24 * 3600,
}
CELERY_BEAT_SCHEDULE["petitions-exports-purge-expired"] = {
    "task": "petitions.tasks.signature_exports_purge_expired",
    "schedule": 3600,
}

"""Settings for every environment, read from the environment.

The defaults run the whole site on one machine (SQLite, tasks in-process, email to the
console); production differs only by environment variables (docs/operations.md). This module
holds Django's own settings; each integration has a module of its own, imported at the end.
"""

from django.utils.translation import gettext_lazy as _

# DEBUG is read in config/env.py, since every settings module chooses defaults by it.
from config.env import BASE_DIR, DEBUG, env

_DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
# Empty outside DEBUG unless set: management commands such as `check` still run, while the web
# server refuses to start (config/serving.py) and `check --deploy` fails.
SECRET_KEY = env.str("SECRET_KEY", default=_DEVELOPMENT_SECRET_KEY if DEBUG else "")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# A form that fails the CSRF check gets an answer in the site's language, not Django's page.
CSRF_FAILURE_VIEW = "core.form_expired.csrf_failure"

DJANGO_APPS = [
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
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "anymail",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_countries",
    "django_prose_editor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]
# In the order of their layers, lowest first (docs/architecture.md).
LOCAL_APPS = ["core", "staff", "campaign", "petitions", "deliveries", "updates"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    # /healthz and /readyz, answered before anything that checks, redirects or caches.
    "core.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.content_security_policy.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "campaign.middleware.SiteLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Under DEBUG only, before the CSRF check reads the form: a form too large gets the site's
    # own 400 page, not Django's technical one (core/bad_request.py).
    "core.bad_request.FormTooLargeUnderDebugMiddleware",
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
                "deliveries.context_processors.delivery_alerts",
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
    # With a pool, Django has it check every connection as it leaves: after the database
    # restarted or the network dropped, a dead one is replaced instead of failing a request.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The signing statement is prepared on each connection at its first use
    # (core.prepared_statements); Django's other queries are never prepared. A pooler in
    # transaction mode that cannot keep prepared statements (PgBouncer before 1.21) needs
    # DATABASE_PREPARED_STATEMENTS=false.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = (
        0 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A deleted or sealed value is overwritten in the file, not left in a free page for
    # whoever copies db.sqlite3 to read back.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA secure_delete = ON;",
        # Several visitors sign at once under runserver's threads, and `make run`'s second
        # process (`schedule_run`) writes the same file. A transaction takes the write lock as
        # it begins and waits for it: a deferred one that read first and wrote later would
        # fail at once with "database is locked" rather than wait its turn. No WAL: its file
        # keeps the pages a sealing or an erasure overwrote until a checkpoint.
        transaction_mode="IMMEDIATE",
        timeout=20,
    )
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
# Each worker's own copy of every page's header and footer (templates/includes/), keyed by the
# public content's version: the pages drawn for one signer draw their frame once per worker.
CACHES["frames"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "frames",
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

_LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_faults_in_one_line": {"()": "core.log_filters.ClientFaultsInOneLine"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client_faults_in_one_line"]}
    },
    "root": {"handlers": ["console"], "level": _LOG_LEVEL},
    "loggers": {
        # Django's own console handler (DEBUG only) printed each of its records a second time,
        # a 403's traceback included, beside the root's: its records go to the root alone.
        "django": {"handlers": [], "level": "NOTSET", "propagate": True},
        # fontTools reports every glyph table it trims from the letter's font at INFO.
        "fontTools": {"level": "WARNING"},
        # Celery's line for each task received and each task done, and beat's for each task it
        # sends: beat's sweeps alone made about 25,000 lines a day on an idle site, burying
        # what an operator needs. A task that fails is still logged (ERROR), and so is what the
        # site's own tasks report; LOG_LEVEL=DEBUG brings the routine lines back.
        **{
            routine: {"level": "DEBUG" if _LOG_LEVEL == "DEBUG" else "WARNING"}
            for routine in ("celery.worker.strategy", "celery.app.trace", "celery.beat")
        },
    },
}

from config.settings.campaign import *  # noqa: E402, F403
from config.settings.celery import *  # noqa: E402, F403
from config.settings.email_sending import *  # noqa: E402, F403
from config.settings.files_and_storages import *  # noqa: E402, F403
from config.settings.keys import *  # noqa: E402, F403
from config.settings.security import *  # noqa: E402, F403

"""System checks for settings that several apps share."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from core.sealing import SealingKeyInvalid, sealing_public_key
from core.signing_keys import SigningKeyInvalid, signing_key_load

# The keys that protect signers (config/settings/keys.py), and what each protects.
PROTECTING_KEYS = {
    "SIGNER_MAILBOX_KEY": "the keyed hash kept instead of each signer's address",
    "ACCESS_TRAIL_KEY": "the access trail's fingerprints of staff addresses and logins",
    "ERASURE_RECORD_KEY": "the proof of an erasure kept without the erased address",
    "NEWS_ADDRESS_KEY": "the addresses of signers who asked for news, encrypted at rest",
    "REMINDER_ADDRESS_KEY": "the copy of a pending signer's address kept for one reminder",
}
SHORTEST_KEY = 32
# What deploy/mamat.env.example puts where a value must be chosen: never a key, however long.
PLACEHOLDER = "CHANGE"


def _is_placeholder(value: str) -> bool:
    return value.upper().startswith(PLACEHOLDER)


@register(Tags.compatibility)
def deprecated_environment_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Warn about environment variables that another one replaced."""
    return [
        Warning(
            f"The environment variable {old} is deprecated.",
            hint=f"Set {new} instead." if new.isupper() else f"Set {new}",
            id="core.W001",
        )
        for old, new in getattr(settings, "DEPRECATED_ENVIRONMENT_USED", [])
    ]


def protecting_keys_problems() -> list[str]:
    """Return what is wrong with the keys that protect signers; an empty list if nothing."""
    problems = []
    try:
        sealing_public_key()
    except SealingKeyInvalid as error:
        problems.append(
            f"SEALING_PUBLIC_KEY: {error}; signers' personal data must be sealed to the data "
            "officers' public key (`manage.py sealing_keys_generate`)."
        )
    try:
        signing_key_load(getattr(settings, "LEDGER_SIGNING_KEY", ""))
    except SigningKeyInvalid as error:
        problems.append(
            f"LEDGER_SIGNING_KEY: {error}; it signs the public ledger of each petition's count "
            "(`manage.py ledger_key_generate`)."
        )
    for name, protects in PROTECTING_KEYS.items():
        value = getattr(settings, name, "")
        if len(value) < SHORTEST_KEY or _is_placeholder(value):
            problems.append(
                f"{name} must be set, at least {SHORTEST_KEY} random characters: it keys "
                f"{protects}."
            )
    if _is_placeholder(settings.SECRET_KEY):
        problems.append("SECRET_KEY is still the example's placeholder: draw a random one.")
    return problems


@register(Tags.security, deploy=True)
def protecting_keys_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Refuse a deployment whose keys would leave signers unprotected."""
    return [Error(problem, id="core.E001") for problem in protecting_keys_problems()]


@register(Tags.security, deploy=True)
def esp_webhook_secret_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Warn when anyone could post the ESP's delivery events (anymail only warns per request)."""
    anymail = getattr(settings, "ANYMAIL", {})
    secret = anymail.get("WEBHOOK_SECRET", "")
    if not settings.EMAIL_BACKEND.startswith("anymail.") or (
        secret and not _is_placeholder(secret)
    ):
        return []
    return [
        Warning(
            "ANYMAIL_WEBHOOK_SECRET is not set (or is the example's placeholder): anyone could "
            "post delivery events to /anymail/ "
            "and mark signers' emails as bounced or complained about, which stops them.",
            hint="Set ANYMAIL_WEBHOOK_SECRET=user:long-random-password and give the ESP the "
            "webhook address with it (docs/operations.md, 'Petitions and email').",
            id="core.W002",
        )
    ]


# Django's backends that send nothing: every signer's confirmation link would be lost.
NON_SENDING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.compatibility, deploy=True)
def email_backend_sends_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Warn when a deployment's emails would go nowhere (`make run`'s console, left as is)."""
    if settings.EMAIL_BACKEND not in NON_SENDING_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: no signer would receive the link that "
            "confirms their signature, and none would be counted.",
            hint="Set EMAIL_BACKEND to an anymail ESP or to "
            "django.core.mail.backends.smtp.EmailBackend (docs/operations.md).",
            id="core.W003",
        )
    ]


@register(Tags.compatibility, deploy=True)
def production_services_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Warn when a deployment runs on `make run`'s embedded stand-ins for its services."""
    warnings: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        warnings.append(
            Warning(
                "The database is SQLite: one write at a time, on this machine's disk alone.",
                hint="Set DATABASE_URL to PostgreSQL (docs/operations.md).",
                id="core.W004",
            )
        )
    if not settings.REDIS_URL:
        warnings.append(
            Warning(
                "REDIS_URL is not set: each process keeps its own cache, so rate limits, "
                "lockouts and the day's IP key are counted apart in every process.",
                hint="Set REDIS_URL (docs/operations.md).",
                id="core.W005",
            )
        )
    if settings.CELERY_TASK_ALWAYS_EAGER:
        warnings.append(
            Warning(
                "CELERY_BROKER_URL is not set: emails are sent inside the signer's request, "
                "and nothing runs on a schedule (sealing, reminders, deliveries, retention).",
                hint=(
                    "Set CELERY_BROKER_URL and run the worker and beat (deploy/systemd/); "
                    "on one machine without them, run manage.py schedule_run beside the server."
                ),
                id="core.W006",
            )
        )
    return warnings

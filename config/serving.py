import gc

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver


def serving_settings_check() -> None:
    """Refuse to start serving without a secret key or the keys that protect signers.

    Reading SECRET_KEY raises ImproperlyConfigured when it is empty, as it is outside DEBUG
    unless the environment sets it. `manage.py check --deploy` says the same, with how to
    make each key.
    """
    settings.SECRET_KEY  # noqa: B018 - read for its check
    from core.checks import protecting_keys_problems

    problems = protecting_keys_problems()
    if problems and not settings.DEBUG:
        raise ImproperlyConfigured("Not serving without its keys: " + " ".join(problems))


def startup_objects_freeze() -> None:
    """Load the URLconf, then keep what start-up loaded out of the garbage collector's scans.

    Modules, classes, URL patterns and the views, forms and admin they import live as long as
    the process, yet a full collection scans them all, a pause in which the requests queued on
    that worker wait. Frozen, a full collection scans only what requests made
    (docs/performance.md).
    """
    get_resolver().url_patterns  # noqa: B018 - read to import what the first request would
    gc.freeze()

from django.conf import settings


def serving_settings_check() -> None:
    """Refuse to start serving without a secret key, rather than fail at the first request.

    Reading SECRET_KEY raises ImproperlyConfigured when it is empty, as it is outside DEBUG
    unless the environment sets it.
    """
    settings.SECRET_KEY  # noqa: B018 - read for its check

"""System checks for settings that several apps share."""

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.compatibility)
def deprecated_environment_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Warn about environment variables that another one replaced."""
    return [
        Warning(
            f"The environment variable {old} is deprecated.",
            hint=f"Set {new} instead: one setting now serves every use.",
            id="core.W001",
        )
        for old, new in getattr(settings, "DEPRECATED_ENVIRONMENT_USED", [])
    ]

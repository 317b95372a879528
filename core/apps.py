from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing that several apps use; it imports none of them."""

    name = "core"
    verbose_name = _("Site plumbing")
    launch_steps = "core.launch_checklist.email_launch_steps"

    def ready(self) -> None:
        from core import checks  # noqa: F401 - registers the system checks
        from core.english_fallback import english_fallback_install
        from core.log_redaction import log_redaction_install

        log_redaction_install()
        english_fallback_install()

"""What must be done before the campaign goes public: the admin's home lists it until it is.

Each app says what it needs through its AppConfig (`launch_steps`, the dotted path of a
function returning LaunchStep items), as `initial_content_loader` names its loader: this
module knows no petition. `manage.py launch_checklist` prints the same list for operators.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.checks import NON_SENDING_EMAIL_BACKENDS


@dataclass(frozen=True)
class LaunchStep:
    title: str
    done: bool
    # What goes wrong while it is not done, and where to do it.
    why: str = ""
    fix_url: str = ""
    # The permission ("app_label.codename") acting at fix_url needs: staff without it see the
    # step unlinked, since the page would refuse them.
    fix_permission: str = ""

    @property
    def roles_that_fix(self) -> list[str]:
        """Return the names of the roles (groups) whose members may act on the step."""
        app_label, _dot, codename = self.fix_permission.partition(".")
        if not codename:
            return []
        return list(
            Group.objects.filter(
                permissions__content_type__app_label=app_label, permissions__codename=codename
            )
            .order_by("name")
            .values_list("name", flat=True)
        )


def launch_steps() -> list[LaunchStep]:
    """Return every app's steps, in INSTALLED_APPS order."""
    steps: list[LaunchStep] = []
    for config in apps.get_app_configs():
        path = getattr(config, "launch_steps", None)
        if path:
            steps_of_app: Callable[[], list[LaunchStep]] = import_string(path)
            steps += steps_of_app()
    return steps


def email_launch_steps() -> list[LaunchStep]:
    steps = [
        LaunchStep(
            title=_("Emails that reach signers"),
            done=settings.EMAIL_BACKEND not in NON_SENDING_EMAIL_BACKENDS,
            why=_(
                "The site writes its emails to %(backend)s: no signer would receive the link "
                "that confirms their signature, and none would be counted. Set EMAIL_BACKEND "
                "on the server (docs/operations.md)."
            )
            % {"backend": settings.EMAIL_BACKEND.rsplit(".", 2)[-2]},
        )
    ]
    if settings.EMAIL_BACKEND.startswith("anymail."):
        steps.append(
            LaunchStep(
                title=_("The email provider's reports, protected"),
                done=bool(getattr(settings, "ANYMAIL", {}).get("WEBHOOK_SECRET")),
                why=_(
                    "Without ANYMAIL_WEBHOOK_SECRET, anyone could report signers' emails as "
                    "bounced or complained about, and the site would stop writing to them. Set "
                    "it on the server and in the provider's webhook address."
                ),
            )
        )
    return steps

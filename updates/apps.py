from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "updates"
    verbose_name = _("Updates to signers")
    # petitions.erasure calls it after anonymising signers: the refusals and Message-IDs
    # of updates to them go.
    erasure_followers = ("updates.sending.update_recipients_forget_signers",)

    def ready(self) -> None:
        from updates import webhooks  # noqa: F401 (bounces and complaints stop further updates)

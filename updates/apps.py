from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpdatesConfig(AppConfig):
    name = "updates"
    verbose_name = _("Updates to signers")
    # petitions.erasure calls it after anonymising signers: the refusals and Message-IDs
    # of updates to them go.
    erasure_followers = ("updates.sending.update_recipients_forget_signers",)
    # petitions.access_requests calls it to tell a signer which emails they were sent.
    signer_emails_readers = ("updates.sending.updates_sent_to",)

    def ready(self) -> None:
        from updates import webhooks  # noqa: F401 (bounces and complaints stop further updates)

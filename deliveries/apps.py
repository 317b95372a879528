from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = _("Deliveries")
    initial_content_loader = "deliveries.initial_content.deliveries_load_initial"
    # petitions.erasure calls them after anonymising signers: lists on file forget them, and
    # so do the refusals and Message-IDs of the emails that told them of a delivery.
    erasure_followers = (
        "deliveries.list_rewrites.delivery_files_forget_signers",
        "deliveries.notices.delivery_notices_forget_signers",
    )
    # petitions.name_review calls it after hiding names: a worker writes the lists not yet
    # sent again without them.
    name_hiding_followers = ("deliveries.list_rewrites.delivery_lists_forget_hidden_names_queue",)
    # petitions.access_requests calls it to tell a signer which emails they were sent.
    signer_emails_readers = ("deliveries.notices.delivery_notices_sent_to",)
    launch_steps = "deliveries.launch.deliveries_launch_steps"

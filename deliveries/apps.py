from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = _("Deliveries")
    initial_content_loader = "deliveries.initial_content.deliveries_load_initial"
    # petitions.erasure calls it after anonymising signers: lists on file forget them.
    erasure_follower = "deliveries.files.delivery_files_forget_signers"
    launch_steps = "deliveries.launch.deliveries_launch_steps"

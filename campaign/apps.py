from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignConfig(AppConfig):
    name = "campaign"
    verbose_name = _("Campaign")
    # `load_campaign` calls each app's loader in INSTALLED_APPS order (campaign first).
    initial_content_loader = "campaign.services.campaign_load_initial"
    # What the admin's home asks staff to do before launch (core/launch_checklist.py).
    launch_steps = "campaign.launch.campaign_launch_steps"

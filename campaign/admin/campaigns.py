"""The campaign: its name, what a shared link shows, and the legal notice's identities."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from campaign.admin.languages import SwitchedOnLanguagesAdmin
from campaign.models import Campaign
from core.admin_mixins import EditedSinceAdminMixin


@admin.register(Campaign)
class CampaignAdmin(EditedSinceAdminMixin, SwitchedOnLanguagesAdmin):
    list_display = ["name", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["name_fr"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "description", "contact_email"]}),
        (_("Sharing"), {"fields": ["share_image", "share_image_alt", "share_text"]}),
        (
            _("Legal notice"),
            {
                "fields": [
                    "publisher_name",
                    "publisher_address",
                    "publication_director",
                    "hosting_provider",
                ],
                "description": _("The legal notice page shows these details."),
            },
        ),
    ]

"""The campaign: its name, what a shared link shows, and the legal notice's identities."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from campaign import services
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

    def save_model(self, request: HttpRequest, obj: Campaign, form, change: bool) -> None:
        services.campaign_save(campaign=obj)

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CampaignAddressTaken:
            # Another staff member saved a campaign at this address between the form's check
            # and the save, which the database refused (all of it rolled back, the share image
            # removed). The form is shown again, as typed: its own check now finds that one.
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)  # read once already, by the form that was saved
            return super().changeform_view(request, object_id, form_url, extra_context)

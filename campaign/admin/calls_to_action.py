"""Calls to action: the buttons a page shows, one of each kind per campaign."""

from django.contrib import admin
from django.http import HttpRequest

from campaign import services
from campaign.admin.languages import SwitchedOnLanguagesAdmin
from campaign.admin_mixins import SiteCampaignPreselectedAdminMixin
from campaign.models import CallToAction


@admin.register(CallToAction)
class CallToActionAdmin(SiteCampaignPreselectedAdminMixin, SwitchedOnLanguagesAdmin):
    list_display = ["title", "kind", "button_label", "is_active"]
    list_filter = ["kind", "is_active"]
    fields = ["campaign", "kind", "title", "text", "button_label", "url", "is_active"]

    def save_model(self, request: HttpRequest, obj: CallToAction, form, change: bool) -> None:
        services.call_to_action_save(call_to_action=obj)

    def changeform_view(
        self, request: HttpRequest, object_id=None, form_url="", extra_context=None
    ):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.CallToActionKindTaken:
            # Another staff member saved a call to action of this kind between the form's
            # check and the save, which the database refused (all of it rolled back). The form
            # is shown again, as typed: its own check now finds that one, committed.
            return super().changeform_view(request, object_id, form_url, extra_context)

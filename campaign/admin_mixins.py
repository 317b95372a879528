"""Admin behaviour that more than one app's admin needs."""

from django.db import transaction

from campaign.selectors import campaign_current
from core.admin_mixins import ModelAdminMixinBase
from core.public_cache import public_content_changed


class PublicContentAdminMixin(ModelAdminMixinBase):
    """Tell the workers' public page cache when staff save or delete what pages show.

    Once the admin's transaction has committed: told earlier, a worker on another node could
    render the page again before the change is visible to it, and keep the old page under the
    new version for PUBLIC_PAGE_CACHE_SECONDS.
    """

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        transaction.on_commit(public_content_changed)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        transaction.on_commit(public_content_changed)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        transaction.on_commit(public_content_changed)


class SiteCampaignPreselectedAdminMixin(ModelAdminMixinBase):
    """Start a new page, call to action or petition in the campaign this site runs.

    One site runs one campaign: an empty choice made every editor pick the only campaign there
    is, and those who missed it met "This field is required" after filling in the rest.
    """

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        campaign = campaign_current()
        if campaign is not None:
            initial.setdefault("campaign", str(campaign.pk))
        return initial

"""Admin behaviour that more than one app's admin needs."""

from django.db import transaction

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

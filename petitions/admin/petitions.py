"""Petitions and the authorities they are addressed to."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from campaign.admin_mixins import PublicContentAdminMixin, SiteCampaignPreselectedAdminMixin
from core.admin_mixins import (
    EditedSinceAdminMixin,
    FrenchTypographyAdminMixin,
    ServedLanguagesAdminMixin,
)
from petitions import selectors
from petitions.admin.dashboard import PetitionDashboardAdminMixin
from petitions.admin.paper import PaperSignaturesAdminMixin
from petitions.models import Petition, Signature, Target


@admin.register(Target)
class TargetAdmin(
    FrenchTypographyAdminMixin,
    EditedSinceAdminMixin,
    PublicContentAdminMixin,
    ServedLanguagesAdminMixin,
    TranslationAdmin,
):
    list_display = ["name", "title", "organisation", "email", "language"]
    search_fields = ["name_fr", "name_en", "organisation_fr", "organisation_en", "email"]


@admin.register(Petition)
class PetitionAdmin(
    PetitionDashboardAdminMixin,
    PaperSignaturesAdminMixin,
    FrenchTypographyAdminMixin,
    EditedSinceAdminMixin,
    SiteCampaignPreselectedAdminMixin,
    PublicContentAdminMixin,
    ServedLanguagesAdminMixin,
    TranslationAdmin,
):
    # What finds a petition and says whether it needs someone; the dashboard has every count.
    list_display = [
        "title",
        "status",
        "confirmed_signatures",
        "flagged_signatures",
        "dashboard_link",
    ]
    list_filter = ["status", "campaign"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_fr"]}
    filter_horizontal = ["targets"]
    readonly_fields = ["confirmed_signatures", "flagged_signatures", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["campaign", "slug", "status", "opens_at", "closes_at", "goal"]}),
        (_("Content"), {"fields": ["title", "text", "demand", "targets", "seo_description"]}),
        (_("Form"), {"fields": ["asks_postcode", "allows_comment"]}),
        (_("Fraud alerts"), {"fields": ["trend_alert_threshold"]}),
        # Counted now, as the list counts: the stored count waits for beat's reconciliation,
        # which `make run` never starts, and read 0 beside a public counter of 5.
        (_("Count"), {"fields": ["confirmed_signatures", "flagged_signatures"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: Petition | None = None) -> bool:
        # Deleting a petition would take its signatures with it, uncounted and untrailed: one
        # that has any is closed, not deleted. A draft nobody signed may go.
        if obj is not None and obj.signatures.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        # The bulk deletion asks no question per petition: each is deleted from its own page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return selectors.petitions_with_status_counts(
            super().get_queryset(request),
            statuses=[Signature.Status.CONFIRMED, Signature.Status.FLAGGED],
        )

    @admin.display(description=_("confirmed"), ordering="confirmed_signatures")
    def confirmed_signatures(self, petition: Any) -> int:
        return petition.confirmed_signatures

    @admin.display(description=_("flagged"), ordering="flagged_signatures")
    def flagged_signatures(self, petition: Any) -> int:
        return petition.flagged_signatures

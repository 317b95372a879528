from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from campaign.admin_mixins import PublicContentAdminMixin
from petitions import selectors, services
from petitions.admin_tools import (
    PetitionDashboardAdminMixin,
    SignatureExportAdmin,
    SignatureToolsAdminMixin,
)
from petitions.models import Petition, Signature, SignatureExport, Target
from staff.admin_mixins import AccessTrailAdminMixin

admin.site.register(SignatureExport, SignatureExportAdmin)


@admin.register(Target)
class TargetAdmin(PublicContentAdminMixin, admin.ModelAdmin):
    list_display = ["name", "title", "organisation", "email", "language"]
    search_fields = ["name", "organisation", "email"]


@admin.register(Petition)
class PetitionAdmin(PetitionDashboardAdminMixin, PublicContentAdminMixin, TranslationAdmin):
    list_display = [
        "title",
        "status",
        "goal",
        "confirmed_signatures",
        "pending_signatures",
        "flagged_signatures",
        "invalidated_signatures",
        "dashboard_link",
    ]
    list_filter = ["status", "campaign"]
    search_fields = ["title_fr", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_fr"]}
    filter_horizontal = ["targets"]
    readonly_fields = ["confirmed_count", "confirmed_count_at", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["campaign", "slug", "status", "opens_at", "closes_at", "goal"]}),
        (_("Content"), {"fields": ["title", "text", "demand", "targets"]}),
        (_("Form"), {"fields": ["asks_postcode", "allows_comment"]}),
        (_("Count"), {"fields": ["confirmed_count", "confirmed_count_at"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Petition]:
        return selectors.petitions_with_status_counts(super().get_queryset(request))

    @admin.display(description=_("confirmed"), ordering="confirmed_signatures")
    def confirmed_signatures(self, petition: Petition) -> int:
        return petition.confirmed_signatures

    @admin.display(description=_("awaiting confirmation"), ordering="pending_signatures")
    def pending_signatures(self, petition: Petition) -> int:
        return petition.pending_signatures

    @admin.display(description=_("flagged"), ordering="flagged_signatures")
    def flagged_signatures(self, petition: Petition) -> int:
        return petition.flagged_signatures

    @admin.display(description=_("invalidated"), ordering="invalidated_signatures")
    def invalidated_signatures(self, petition: Petition) -> int:
        return petition.invalidated_signatures


@admin.register(Signature)
class SignatureAdmin(AccessTrailAdminMixin, SignatureToolsAdminMixin, admin.ModelAdmin):
    """Review, not editing: what a signer gave stays as they gave it.

    Fast at a million rows (SignatureToolsAdminMixin): an estimated total, searches and
    filters that indexes serve, and no date hierarchy (it reads every row's date).
    """

    list_display = [
        "first_name",
        "last_name",
        "country",
        "petition",
        "status",
        "email_status",
        "created_at",
        "confirmed_at",
    ]
    list_filter = [
        "petition",
        "status",
        "country",
        "created_at",
        "name_in_delivery",
        "newsletter_opt_in",
        "email_status",
    ]
    # The search itself is SignatureToolsAdminMixin.get_search_results.
    search_fields = ["email_normalized", "last_name", "first_name"]
    actions = ["approve", "flag", "invalidate", "export_csv", "export_xlsx"]
    list_select_related = ["petition"]
    fieldsets = [
        (None, {"fields": ["petition", "status", "first_name", "last_name", "email", "country"]}),
        (_("Optional"), {"fields": ["postcode", "comment", "language", "referral_code"]}),
        (
            _("Consent"),
            {
                "fields": [
                    "privacy_notice_version",
                    "consented_at",
                    "show_first_name",
                    "name_in_delivery",
                    "newsletter_opt_in",
                ]
            },
        ),
        (
            _("Confirmation"),
            {
                "fields": [
                    "created_at",
                    "confirmed_at",
                    "confirmation_sent_at",
                    "confirmation_send_count",
                    "email_status",
                    "email_message_id",
                    "ip_hash",
                    "share_code",
                ]
            },
        ),
        (_("Review"), {"fields": ["status_reason", "status_changed_at", "erased_at"]}),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    @admin.action(
        description=_("Approve: count the selected flagged signatures"), permissions=["change"]
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = services.signatures_approve(
            signatures=queryset, reason=request.POST.get("reason", "")
        )
        self.message_user(
            request,
            ngettext("%(count)d signature approved.", "%(count)d signatures approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Invalidate: never count the selected signatures"), permissions=["change"]
    )
    def invalidate(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = services.signatures_invalidate(
            signatures=queryset, reason=request.POST.get("reason", "")
        )
        self.message_user(
            request,
            ngettext("%(count)d signature invalidated.", "%(count)d signatures invalidated.", count)
            % {"count": count},
            messages.SUCCESS,
        )

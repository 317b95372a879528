from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from deliveries import services
from deliveries.documents import country_name
from deliveries.models import Delivery, DeliverySchedule
from staff.models import AccessEvent
from staff.network import request_ip_hmac
from staff.services import access_event_record


def _run_message(report: services.DeliveryRunReport) -> str:
    if not report.deliveries:
        return str(_("No new confirmed signature waits for delivery."))
    return ngettext(
        "%(count)d delivery prepared and queued for sending.",
        "%(count)d deliveries prepared and queued for sending.",
        len(report.deliveries),
    ) % {"count": len(report.deliveries)}


@admin.register(DeliverySchedule)
class DeliveryScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "petition",
        "every_days",
        "threshold",
        "counts_only",
        "is_active",
        "last_run_at",
    ]
    list_filter = ["is_active", "counts_only"]
    readonly_fields = ["last_run_at", "created_at", "updated_at"]
    actions = ["deliver_now"]

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.send_delivery")

    @admin.action(
        description=_("Deliver now: send every waiting confirmed signature to each target"),
        permissions=["send"],
    )
    def deliver_now(self, request: HttpRequest, queryset: QuerySet[DeliverySchedule]) -> None:
        for schedule in queryset.select_related("petition"):
            report = services.deliveries_run(petition=schedule.petition)
            self.message_user(
                request, f"{schedule.petition}: {_run_message(report)}", messages.SUCCESS
            )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """A record of what was sent: read only, never deleted."""

    list_display = [
        "pk",
        "petition",
        "target",
        "status",
        "total_count",
        "named_count",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", "petition", "target"]
    list_select_related = ["petition", "target"]
    date_hierarchy = "created_at"
    actions = ["resend_failed"]
    fieldsets = [
        (None, {"fields": ["petition", "target", "status", "language", "counts_only"]}),
        (
            _("Counts"),
            {
                "fields": [
                    "total_count",
                    "named_count",
                    "cumulative_count",
                    "countries",
                ]
            },
        ),
        (
            _("Files sent"),
            {"fields": ["letter_download", "letter_sha256", "csv_download", "csv_sha256"]},
        ),
        (
            _("Sending"),
            {
                "fields": [
                    "created_at",
                    "claimed_at",
                    "sent_at",
                    "attempt_count",
                    "message_id",
                    "esp_message_id",
                    "error",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.send_delivery")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def get_urls(self):
        return [
            path(
                "<int:delivery_id>/letter/",
                self.admin_site.admin_view(self.letter_view),
                name="deliveries_delivery_letter",
            ),
            path(
                "<int:delivery_id>/signatures/",
                self.admin_site.admin_view(self.signatures_view),
                name="deliveries_delivery_signatures",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("by country"))
    def countries(self, delivery: Delivery) -> str:
        return format_html_join(
            ", ",
            "{} {}",
            ((country_name(code), n) for code, n in delivery.counts_by_country.items()),
        )

    @admin.display(description=_("letter (PDF)"))
    def letter_download(self, delivery: Delivery) -> str:
        if not delivery.letter_pdf:
            return "—"
        url = reverse("admin:deliveries_delivery_letter", args=[delivery.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the letter sent"))

    @admin.display(description=_("signers (CSV)"))
    def csv_download(self, delivery: Delivery) -> str:
        if not delivery.signatures_csv:
            return _("None: counts only") if delivery.counts_only else "—"
        url = reverse("admin:deliveries_delivery_signatures", args=[delivery.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the list sent"))

    def _file_response(self, request: HttpRequest, delivery_id: int, field_name: str, kind: str):
        if not self.has_view_permission(request):
            raise PermissionDenied
        delivery = get_object_or_404(Delivery.objects.select_related("petition"), pk=delivery_id)
        field_file = getattr(delivery, field_name)
        if not field_file:
            raise Http404("This delivery has no such file.")
        response = FileResponse(
            field_file.open("rb"),
            as_attachment=True,
            filename=f"{delivery.petition.slug}-{delivery.pk}-{kind}",
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def letter_view(self, request: HttpRequest, delivery_id: int):
        return self._file_response(request, delivery_id, "letter_pdf", "letter.pdf")

    def signatures_view(self, request: HttpRequest, delivery_id: int):
        response = self._file_response(request, delivery_id, "signatures_csv", "signatures.csv")
        # The list names signers: each download is on the access trail.
        access_event_record(
            actor=request.user,
            action=AccessEvent.Action.EXPORTED_SIGNATURES,
            target=f"{Delivery._meta.label} #{delivery_id}",
            row_count=Delivery.objects.filter(pk=delivery_id)
            .values_list("named_count", flat=True)
            .first(),
            ip_hmac=request_ip_hmac(request),
        )
        return response

    @admin.action(description=_("Resend the selected failed deliveries"), permissions=["send"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = services.deliveries_resend(deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed delivery queued to be sent again.",
                "%(count)d failed deliveries queued to be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

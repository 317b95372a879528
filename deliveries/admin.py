from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import EditedSinceAdminMixin, RecordAdminMixin, language_name
from core.private_storage import private_file_response
from deliveries import admin_deliver, file_reading, sending
from deliveries.admin_letters import LetterTemplateAdmin  # noqa: F401 (registers it)
from deliveries.admin_replies import DeliveryReplyAdmin  # noqa: F401 (registers it)
from deliveries.models import Delivery, DeliverySchedule
from petitions.country_counts import country_counts_merged, country_label
from petitions.signer_contact import signer_contact_visible_to
from staff.access_trail import request_ip_hmac


@admin.register(DeliverySchedule)
class DeliveryScheduleAdmin(EditedSinceAdminMixin, admin.ModelAdmin):
    # Read in a line on a laptop: when it delivers and whether it runs, not a column per field.
    # A campaign has a schedule per petition, a handful at most: nothing to filter.
    list_display = ["petition", "when", "counts_only", "state", "last_run_at"]
    readonly_fields = ["last_run_at", "created_at", "updated_at"]
    actions = ["deliver_now"]

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.send_delivery")

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        # The model's bounds on the form's numbers too: the browser's min and max, and one
        # message for -5 and 0 alike (a positive field's form says "0 or more" otherwise).
        if isinstance(db_field, models.IntegerField):
            validators = db_field.validators
            minimums = [v.limit_value for v in validators if isinstance(v, MinValueValidator)]
            maximums = [v.limit_value for v in validators if isinstance(v, MaxValueValidator)]
            kwargs.setdefault("min_value", max(minimums, default=None))
            kwargs.setdefault("max_value", min(maximums, default=None))
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("when"))
    def when(self, schedule: DeliverySchedule) -> str:
        interval = threshold = ""
        if schedule.every_days:
            interval = ngettext("every day", "every %(days)s days", schedule.every_days) % {
                "days": schedule.every_days
            }
        if schedule.threshold:
            threshold = ngettext(
                "as soon as %(count)s new signature waits",
                "as soon as %(count)s new signatures wait",
                schedule.threshold,
            ) % {"count": formats.number_format(schedule.threshold, force_grouping=True)}
        if interval and threshold:
            return capfirst(
                gettext("%(interval)s, or %(threshold)s")
                % {"interval": interval, "threshold": threshold}
            )
        return capfirst(interval or threshold) or gettext("Only through “Deliver now”")

    @admin.display(description=_("state"))
    def state(self, schedule: DeliverySchedule) -> str:
        if schedule.is_active:
            return gettext("Running")
        # Off until a target's address is approved, then on by itself (deliveries/addresses.py).
        if schedule.waits_for_address:
            return gettext("Waits for an approved address")
        return gettext("Stopped")

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(
                lambda request, *args, **kwargs: function(self, request, *args, **kwargs)
            )

        return [
            path(
                "<int:schedule_id>/deliver/",
                view(admin_deliver.deliver_preview_view),
                name="deliveries_deliveryschedule_deliver",
            ),
            path(
                "<int:schedule_id>/deliver/letter/<int:target_id>/",
                view(admin_deliver.letter_preview_view),
                name="deliveries_deliveryschedule_letter_preview",
            ),
            path(
                "<int:schedule_id>/deliver/progress/",
                view(admin_deliver.deliver_progress_view),
                name="deliveries_deliveryschedule_progress",
            ),
            *super().get_urls(),
        ]

    @admin.action(
        description=_("Deliver now: preview, then send every waiting signature to each target"),
        permissions=["send"],
    )
    def deliver_now(
        self, request: HttpRequest, queryset: QuerySet[DeliverySchedule]
    ) -> HttpResponseRedirect | None:
        # One petition at a time: each delivery is previewed and confirmed on its own.
        if queryset.count() != 1:
            self.message_user(
                request,
                _("Choose one schedule: each delivery is previewed and confirmed on its own."),
                messages.WARNING,
            )
            return None
        return HttpResponseRedirect(
            reverse("admin:deliveries_deliveryschedule_deliver", args=[queryset.get().pk])
        )


@admin.register(Delivery)
class DeliveryAdmin(RecordAdminMixin, admin.ModelAdmin):
    """A record of what was sent: read only, never deleted."""

    list_display = [
        "pk",
        "petition",
        "recipient",
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
        (
            None,
            {
                "fields": [
                    "petition",
                    "recipient",
                    "target",
                    "status",
                    "language_label",
                    "what_is_sent",
                ]
            },
        ),
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
            pgettext_lazy("section", "Sending"),
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

    def has_send_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("deliveries.send_delivery")

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if signer_contact_visible_to(request.user):
            return self.fieldsets
        # The list of named signers is for the Data officers only.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "csv_download"]})
            for name, options in self.fieldsets
        ]

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

    @admin.display(description=_("recipient"))
    def recipient(self, delivery: Delivery) -> str:
        # As it was named when sent; the target, renamed since or not, is linked below it.
        return delivery.recipient_full()

    @admin.display(description=_("language"))
    def language_label(self, delivery: Delivery) -> str:
        return language_name(delivery.language)

    @admin.display(description=_("what is sent"))
    def what_is_sent(self, delivery: Delivery) -> str:
        # In words: a bare boolean icon read as "Counts only:" beside the "Counts" heading.
        if delivery.counts_only:
            return str(_("The letter with the counts only: no list of names."))
        return str(_("The letter, and the list of the signers who asked to be named."))

    @admin.display(description=_("by country"))
    def countries(self, delivery: Delivery) -> str:
        return format_html_join(
            ", ",
            "{} {}",
            (
                (country_label(code), count)
                for code, count in country_counts_merged(delivery.counts_by_country.items()).items()
            ),
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
            return str(_("None: counts only")) if delivery.counts_only else "—"
        url = reverse("admin:deliveries_delivery_signatures", args=[delivery.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the list sent"))

    def _file_response(self, request: HttpRequest, delivery_id: int, kind: str, open_file):
        if not self.has_view_permission(request):
            raise PermissionDenied
        delivery: Delivery = get_object_or_404(
            Delivery.objects.select_related("petition"), pk=delivery_id
        )
        opened = open_file(delivery)
        if opened is None:
            raise Http404("This delivery has no such file.")
        return private_file_response(
            opened, filename=f"{delivery.petition.slug}-{delivery.pk}-{kind}"
        )

    def letter_view(self, request: HttpRequest, delivery_id: int):
        return self._file_response(
            request,
            delivery_id,
            "letter.pdf",
            lambda delivery: delivery.letter_pdf.open("rb") if delivery.letter_pdf else None,
        )

    def signatures_view(self, request: HttpRequest, delivery_id: int):
        # The list names signers: for the Data officers only, each download trailed.
        if not signer_contact_visible_to(request.user):
            raise PermissionDenied
        return self._file_response(
            request,
            delivery_id,
            "signatures.csv",
            lambda delivery: file_reading.delivery_signers_file_open(
                delivery=delivery, actor=request.user, ip_hmac=request_ip_hmac(request)
            ),
        )

    @admin.action(description=_("Resend the selected failed deliveries"), permissions=["send"])
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        count = sending.deliveries_resend(deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s failed delivery queued to be sent again.",
                "%(count)s failed deliveries queued to be sent again.",
                count,
            )
            % {"count": intcomma(count)},
            messages.SUCCESS if count else messages.WARNING,
        )

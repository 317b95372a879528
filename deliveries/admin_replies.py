"""Staff record what a target answered to a delivery, or that it did not answer."""

import datetime
import posixpath

from django import forms
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from core.actors import request_staff_user
from core.admin_mixins import FrenchTypographyAdminMixin, ServedLanguagesAdminMixin
from core.private_storage import private_file_response
from core.public_cache import public_content_changed
from deliveries.models import Delivery, DeliveryReply
from deliveries.notices import news_signers_of
from deliveries.replies import delivery_reply_record, reply_signers_tell


class PrivateFileInput(forms.ClearableFileInput):
    """An upload box that never links to the stored file: private storage has no address.

    The file already kept is offered by the admin's own download view (`file_download`).
    """

    def is_initial(self, value) -> bool:
        return False


class DeliveryReplyForm(forms.ModelForm):
    tell_signers = forms.BooleanField(
        label=_("Email this summary to the signers who asked for news"),
        required=False,
        help_text=_(
            "Each signer this delivery carried who asked for news gets one email with the "
            "summary and a link to the petition's page. An email cannot be called back: read "
            "the summary first. Unticked, the reply is only recorded; tick it later to tell them."
        ),
    )

    class Meta:
        model = DeliveryReply
        fields = ["delivery", "kind", "received_on", "days_without_reply", "summary", "file"]
        widgets = {"file": PrivateFileInput}

    def clean(self):
        cleaned = super().clean() or {}
        received_on = cleaned.get("received_on")
        if cleaned.get("kind") == DeliveryReply.Kind.REPLY:
            if not received_on:
                self.add_error("received_on", _("Give the day the reply came."))
            else:
                self._received_on_check(received_on, cleaned.get("delivery"))
        if cleaned.get("kind") == DeliveryReply.Kind.NO_REPLY and not cleaned.get(
            "days_without_reply"
        ):
            self.add_error("days_without_reply", _("Give how many days passed without a reply."))
        return cleaned

    def _received_on_check(self, received_on: datetime.date, delivery: Delivery | None) -> None:
        # The petition's page publishes the date as it is: a reply cannot come from the future,
        # nor before the letter it answers. Days are counted in TIME_ZONE, as the page shows them.
        today = timezone.localdate()
        if received_on > today:
            self.add_error(
                "received_on",
                forms.ValidationError(
                    _("A reply cannot be dated after today, %(today)s: check the day it came."),
                    code="received_in_future",
                    params={"today": date_format(today)},
                ),
            )
        elif delivery is not None and delivery.sent_at is not None:
            sent_on = timezone.localdate(delivery.sent_at)
            if received_on < sent_on:
                self.add_error(
                    "received_on",
                    forms.ValidationError(
                        _(
                            "A reply cannot be dated before the delivery it answers, sent on "
                            "%(sent_on)s: check the day it came, or the delivery."
                        ),
                        code="received_before_sent",
                        params={"sent_on": date_format(sent_on)},
                    ),
                )


@admin.register(DeliveryReply)
class DeliveryReplyAdmin(FrenchTypographyAdminMixin, ServedLanguagesAdminMixin, TranslationAdmin):
    form = DeliveryReplyForm
    list_display = ["delivery", "kind", "received_on", "days_without_reply", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["delivery__petition", "delivery__target"]
    readonly_fields = ["file_download", "recorded_by", "recorded_at", "signers_told"]
    fields = [
        "delivery",
        "kind",
        "received_on",
        "days_without_reply",
        "summary",
        "file_download",
        "file",
        "tell_signers",
        "signers_told",
        "recorded_by",
        "recorded_at",
    ]

    def get_fields(self, request: HttpRequest, obj: DeliveryReply | None = None):
        # Offered until the signers are told; then when they were, and how many.
        told = obj is not None and obj.signers_told_at is not None
        hidden = "tell_signers" if told else "signers_told"
        return [name for name in super().get_fields(request, obj) if name != hidden]

    @admin.display(description=_("signers told"))
    def signers_told(self, reply: DeliveryReply) -> str:
        count = news_signers_of(delivery_id=reply.delivery_id).count()
        return ngettext(
            "%(when)s: %(count)s signer who asked for news",
            "%(when)s: %(count)s signers who asked for news",
            count,
        ) % {
            "when": date_format(timezone.localtime(reply.signers_told_at), "DATETIME_FORMAT"),
            "count": intcomma(count),
        }

    def get_urls(self):
        return [
            path(
                "<int:reply_id>/file/",
                self.admin_site.admin_view(self.file_view),
                name="deliveries_deliveryreply_file",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("file kept"))
    def file_download(self, reply: DeliveryReply) -> str:
        if not reply.pk or not reply.file:
            return "—"
        url = reverse("admin:deliveries_deliveryreply_file", args=[reply.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download the reply"))

    def file_view(self, request: HttpRequest, reply_id: int) -> FileResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        reply: DeliveryReply = get_object_or_404(
            DeliveryReply.objects.select_related("delivery__petition"), pk=reply_id
        )
        if not reply.file:
            raise Http404("This reply has no file.")
        extension = posixpath.splitext(reply.file.name)[1]
        delivery = reply.delivery
        return private_file_response(
            reply.file.open("rb"),
            filename=f"{delivery.petition.slug}-{delivery.pk}-reply-{reply.pk}{extension}",
        )

    def save_model(self, request: HttpRequest, obj: DeliveryReply, form, change: bool) -> None:
        data = form.cleaned_data
        tell_signers = bool(data.get("tell_signers"))
        if change:
            super().save_model(request, obj, form, change)
            public_content_changed()
            if tell_signers and reply_signers_tell(reply=obj):
                self._signers_told_say(request)
            return
        is_reply = data["kind"] == DeliveryReply.Kind.REPLY
        recorded = delivery_reply_record(
            delivery=data["delivery"],
            actor=request_staff_user(request),
            received_on=data["received_on"] if is_reply else None,
            days_without_reply=None if is_reply else data["days_without_reply"],
            summary_fr=data.get("summary_fr") or "",
            summary_en=data.get("summary_en") or "",
            file=data.get("file") or None,
            tell_signers=tell_signers,
        )
        obj.pk = recorded.pk
        if recorded.signers_told_at is not None:
            self._signers_told_say(request)

    def _signers_told_say(self, request: HttpRequest) -> None:
        self.message_user(
            request,
            _("The summary is on its way to the signers who asked for news."),
            messages.SUCCESS,
        )

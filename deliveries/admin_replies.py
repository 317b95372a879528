"""Staff record what a target answered to a delivery, or that it did not answer."""

import posixpath

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.actors import request_staff_user
from core.private_storage import private_file_response
from core.public_cache import public_content_changed
from deliveries.models import DeliveryReply
from deliveries.replies import delivery_reply_record


class PrivateFileInput(forms.ClearableFileInput):
    """An upload box that never links to the stored file: private storage has no address.

    The file already kept is offered by the admin's own download view (`file_download`).
    """

    def is_initial(self, value) -> bool:
        return False


class DeliveryReplyForm(forms.ModelForm):
    class Meta:
        model = DeliveryReply
        fields = ["delivery", "kind", "received_on", "days_without_reply", "summary", "file"]
        widgets = {"file": PrivateFileInput}

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("kind") == DeliveryReply.Kind.REPLY and not cleaned.get("received_on"):
            self.add_error("received_on", _("Give the day the reply came."))
        if cleaned.get("kind") == DeliveryReply.Kind.NO_REPLY and not cleaned.get(
            "days_without_reply"
        ):
            self.add_error("days_without_reply", _("Give how many days passed without a reply."))
        return cleaned


@admin.register(DeliveryReply)
class DeliveryReplyAdmin(TranslationAdmin):
    form = DeliveryReplyForm
    list_display = ["delivery", "kind", "received_on", "days_without_reply", "recorded_at"]
    list_filter = ["kind"]
    list_select_related = ["delivery__petition", "delivery__target"]
    readonly_fields = ["file_download", "recorded_by", "recorded_at"]
    fields = [
        "delivery",
        "kind",
        "received_on",
        "days_without_reply",
        "summary",
        "file_download",
        "file",
        "recorded_by",
        "recorded_at",
    ]

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
        if change:
            super().save_model(request, obj, form, change)
            public_content_changed()
            return
        data = form.cleaned_data
        is_reply = data["kind"] == DeliveryReply.Kind.REPLY
        recorded = delivery_reply_record(
            delivery=data["delivery"],
            actor=request_staff_user(request),
            received_on=data["received_on"] if is_reply else None,
            days_without_reply=None if is_reply else data["days_without_reply"],
            summary_fr=data.get("summary_fr") or "",
            summary_en=data.get("summary_en") or "",
            file=data.get("file") or None,
        )
        obj.pk = recorded.pk

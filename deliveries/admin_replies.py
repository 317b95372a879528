"""Staff record what a target answered to a delivery, or that it did not answer."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from core.actors import request_staff_user
from core.public_cache import public_content_changed
from deliveries.models import DeliveryReply
from deliveries.replies import delivery_reply_record


class DeliveryReplyForm(forms.ModelForm):
    class Meta:
        model = DeliveryReply
        fields = ["delivery", "kind", "received_on", "days_without_reply", "summary", "file"]

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
    readonly_fields = ["recorded_by", "recorded_at"]
    fields = [
        "delivery",
        "kind",
        "received_on",
        "days_without_reply",
        "summary",
        "file",
        "recorded_by",
        "recorded_at",
    ]

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

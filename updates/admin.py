"""Staff write an update, preview it, send it to themselves, submit it; another approves; send."""

from datetime import datetime

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp, csp_replace
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from campaign.richtext import rich_text_render
from core.actors import request_staff_user
from core.admin_mixins import (
    CspNonceMediaMixin,
    EditedSinceAdminMixin,
    FrenchTypographyAdminMixin,
)
from core.email_sending import email_send
from petitions import selectors
from petitions.news import news_subscribers
from updates import approval, sending
from updates.messages import update_preview_build, update_test_message_build
from updates.models import SupporterUpdate, UpdateRecipient

# What a submitted update shows, read-only: its texts rendered.
LOCKED_FIELDS = [
    "petition",
    "subject_fr",
    "text_fr",
    "subject_en",
    "text_en",
    "send_rate_per_minute",
]


# The email in the preview's frames, as a mail program shows it: its inline styles apply, and
# nothing in it runs, loads or reaches the admin around it (a sandbox, an origin of its own).
EMAIL_PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


def _preview_language(request: HttpRequest) -> str:
    return "en" if request.GET.get("language") == "en" else "fr"


def _submission_read(request: HttpRequest) -> datetime:
    """Return when the submission an approver read was made: the approve button's form
    carries it. Without it, nothing says what they read, and nothing is approved."""
    try:
        return datetime.fromisoformat(request.POST.get("submitted_at", ""))
    except ValueError:
        raise approval.UpdateNotAllowed(approval.SUBMITTED_AGAIN) from None


def _locked(update: SupporterUpdate | None) -> bool:
    """Whether the update is past its draft: only put back in draft can it be edited again."""
    return update is not None and update.status != SupporterUpdate.Status.DRAFT


@admin.register(SupporterUpdate)
class SupporterUpdateAdmin(
    FrenchTypographyAdminMixin, EditedSinceAdminMixin, CspNonceMediaMixin, admin.ModelAdmin
):
    list_display = ["__str__", "petition", "status", "created_by", "approved_by", "started_at"]
    list_filter = ["status", "petition"]
    change_form_template = "admin/updates/supporterupdate/change_form.html"
    readonly_fields = [
        "status",
        "created_by",
        "approved_by",
        "approved_at",
        "started_at",
        "finished_at",
    ]

    def get_fields(self, request: HttpRequest, obj: SupporterUpdate | None = None):
        if _locked(obj):
            # Every field a locked update shows is read-only: the same list, written once.
            return self.get_readonly_fields(request, obj)
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: SupporterUpdate | None = None):
        if _locked(obj):
            return [*LOCKED_FIELDS, *self.readonly_fields]
        return self.readonly_fields

    # Once submitted, the update is read as signers will read it, not as its HTML.
    @admin.display(description=gettext_lazy("text (French)"))
    def text_fr(self, update: SupporterUpdate) -> str:
        return rich_text_render(update.body_fr)

    @admin.display(description=gettext_lazy("text (English)"))
    def text_en(self, update: SupporterUpdate) -> str:
        return rich_text_render(update.body_en) or self.get_empty_value_display()

    def has_delete_permission(self, request: HttpRequest, obj: SupporterUpdate | None = None):
        return super().has_delete_permission(request, obj) and not _locked(obj)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        # Most campaigns have one petition: a new update is about it unless staff say otherwise.
        initial = super().get_changeform_initial_data(request)
        if "petition" not in initial and (petition := selectors.petition_only()) is not None:
            initial["petition"] = petition.pk
        return initial

    def save_model(self, request: HttpRequest, obj: SupporterUpdate, form, change: bool) -> None:
        if not change:
            obj.created_by = request_staff_user(request)
        super().save_model(request, obj, form, change)

    def get_urls(self):
        step = self.admin_site.admin_view(self.step_view)
        return [
            path("<int:pk>/step/<slug:step>/", step, name="updates_supporterupdate_step"),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if _locked(obj):
            # Nothing on the form can change any more: only the steps below act.
            context.update(
                show_save=False, show_save_and_continue=False, show_save_and_add_another=False
            )
        if obj is not None:
            context.update(
                progress=sending.update_progress(update=obj),
                subscribers=news_subscribers(petition=obj.petition).count(),
                can_send=request.user.has_perm(approval.APPROVE_PERMISSION),
                approval_refusal=approval.update_approval_refusal(
                    update=obj, approver=request.user
                ),
                recent=approval.update_sent_recently(update=obj),
            )
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    def step_view(self, request: HttpRequest, pk: int, step: str) -> HttpResponse:
        update = get_object_or_404(
            SupporterUpdate.objects.select_related("petition__campaign"), pk=pk
        )
        if not self.has_view_permission(request, update):
            raise PermissionDenied
        if step == "preview":
            return self._preview(request, update)
        if step == "preview-email":
            return self._preview_email(request, update)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:updates_supporterupdate_change", args=[pk]))
        user = request_staff_user(request)
        try:
            done = self._step(request, update, step, user)
        except approval.UpdateNotAllowed as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:updates_supporterupdate_change", args=[pk]))

    def _step(self, request: HttpRequest, update: SupporterUpdate, step: str, user) -> str:
        if step == "test":
            if not user.email:
                raise approval.UpdateNotAllowed(_("Your account has no email address."))
            for language in ("fr", "en"):
                email_send(
                    update_test_message_build(update=update, language=language, address=user.email)
                )
            return _("The update was sent to %(address)s in French and in English.") % {
                "address": user.email
            }
        if not self.has_change_permission(request, update):
            raise PermissionDenied
        if step == "submit":
            approval.update_submit(update=update)
            return _("Submitted: it now waits for approval.")
        if step == "approve":
            approval.update_approve(
                update=update, approver=user, submission_read=_submission_read(request)
            )
            return _("Approved: it can now be sent.")
        if step == "redraft":
            approval.update_back_to_draft(update=update)
            return _("Back to draft: it needs a new approval once edited.")
        if step == "lift-limit":
            approval.weekly_limit_lift(update=update, superuser=user)
            return _("The weekly limit is lifted for this update.")
        if step == "send":
            if not user.has_perm(approval.APPROVE_PERMISSION):
                raise PermissionDenied
            sending.update_send_start(update=update, actor=user)
            update.refresh_from_db()
            if update.status == SupporterUpdate.Status.SENT:  # sent already, as under `make run`
                sent = sending.update_progress(update=update)[UpdateRecipient.Status.SENT]
                return ngettext(
                    "Sent: %(count)s email went to the signers.",
                    "Sent: %(count)s emails went to the signers.",
                    sent,
                ) % {"count": intcomma(sent)}
            return _("Sending: the progress shows on this page.")
        raise PermissionDenied

    @csp_replace({"frame-src": [SELF]})
    def _preview(self, request: HttpRequest, update: SupporterUpdate) -> HttpResponse:
        language = _preview_language(request)
        message = update_preview_build(update=update, language=language)
        return TemplateResponse(
            request,
            "admin/updates/supporterupdate/preview.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": update,
                "title": gettext_lazy("Preview"),
                "language": language,
                "subject": message.subject,
                "body": message.body,
            },
        )

    @csp(EMAIL_PREVIEW_POLICY)
    def _preview_email(self, request: HttpRequest, update: SupporterUpdate) -> HttpResponse:
        """The email's HTML alone, for the preview page's frames."""
        message = update_preview_build(update=update, language=_preview_language(request))
        html = next(
            content for content, mimetype in message.alternatives if mimetype == "text/html"
        )
        response = HttpResponse(html)
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

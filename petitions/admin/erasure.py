"""Erase a person in the admin: look them up by email, confirm, and every signature is
anonymised (petitions.erasure does it and trails it)."""

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ModelAdminMixinBase
from petitions import erasure
from petitions.admin.tool_pages import tool_page_response
from petitions.mailboxes import email_for_reading
from staff.access_trail import request_ip_hmac


class SignatureEraseForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person to erase"))


class SignatureErasureAdminMixin(ModelAdminMixinBase):
    """Mixed into SignatureAdmin: the "Erase a person" page."""

    def has_erase_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(erasure.ERASE_PERMISSION)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("erase/", view(self.erase_view), name="petitions_signature_erase"),
            *super().get_urls(),
        ]

    def erase_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_erase_permission(request):
            raise PermissionDenied
        form = SignatureEraseForm(request.POST or None)
        matches, named_deliveries, email_shown = None, [], ""
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if request.POST.get("confirm") == "yes":
                erased = erasure.signer_erase(
                    email=email, actor=request.user, ip_hmac=request_ip_hmac(request)
                )
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s signature anonymised.",
                        "%(count)s signatures anonymised.",
                        erased,
                    )
                    % {"count": intcomma(erased)},
                    messages.SUCCESS,
                )
                return redirect("admin:petitions_signature_changelist")
            lookup = erasure.signer_erasure_lookup(
                email=email, actor=request.user, ip_hmac=request_ip_hmac(request)
            )
            matches, named_deliveries = lookup.matches, lookup.named_deliveries
            email_shown = email_for_reading(email)
        return tool_page_response(
            self,
            request,
            "admin/petitions/signature/erase.html",
            gettext("Erase a person"),
            form=form,
            matches=matches,
            named_deliveries=named_deliveries,
            email_shown=email_shown,
        )

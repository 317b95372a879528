"""What we hold about a person, in the admin: a data officer types the address of a signer
who asked (GDPR art. 15), reads the answer, and downloads it to send them
(petitions.access_requests writes it and trails it)."""

from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from petitions import access_requests
from petitions.admin.erasure import SignatureErasureAdminMixin
from petitions.admin.tool_pages import tool_page_response
from petitions.mailboxes import email_for_reading
from staff.access_trail import request_ip_hmac


class SignerAccessForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the person who asks"))
    language = forms.ChoiceField(
        label=_("Answer in"),
        required=False,
        choices=lambda: [
            (access_requests.SIGNERS_OWN_LANGUAGE, _("The signer's own language")),
            *settings.LANGUAGES,
        ],
    )


class SignerAccessAdminMixin(SignatureErasureAdminMixin):
    """Mixed into SignatureAdmin: the "What we hold about a person" page, for those who may
    erase a person (the same permission: both answer a person's own request)."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("holdings/", view(self.holdings_view), name="petitions_signature_holdings"),
            *super().get_urls(),
        ]

    def holdings_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_erase_permission(request):
            raise PermissionDenied
        form = SignerAccessForm(request.POST or None)
        answer, email_shown = None, ""
        if request.method == "POST" and form.is_valid():
            values = {
                "email": form.cleaned_data["email"],
                "language": form.cleaned_data["language"],
                "actor": request.user,
                "ip_hmac": request_ip_hmac(request),
            }
            if "download" in request.POST:
                return _answer_file(access_requests.signer_access_file_write(**values))
            answer = access_requests.signer_access_lookup(**values)
            email_shown = email_for_reading(form.cleaned_data["email"])
        return tool_page_response(
            self,
            request,
            "admin/petitions/signature/holdings.html",
            gettext("What we hold about a person"),
            form=form,
            answer=answer,
            email_shown=email_shown,
        )


def _answer_file(answer: access_requests.AccessAnswer) -> HttpResponse:
    with translation.override(answer.language):
        name = slugify(gettext("what we hold about you"))
    response = HttpResponse(answer.text.encode("utf-8"), content_type="text/plain; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{name}-{day}.txt"'
    return response

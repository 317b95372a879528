"""The "Names" page: every name the public list may show, each hidden in one click, and the
names that failed the rule (never shown, never delivered), for staff to look at."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import ModelAdminMixinBase
from petitions import name_review
from petitions.admin.tool_pages import tool_page_response
from petitions.models import Signature
from petitions.signer_contact import signer_contact_visible_to


class SignatureNamesAdminMixin(ModelAdminMixinBase):
    """Mixed into SignatureAdmin: the names page and the "hide the names" action."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("names/", view(self.names_view), name="petitions_signature_names"),
            *super().get_urls(),
        ]

    def names_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            signature = get_object_or_404(Signature, pk=request.POST.get("hide"))
            name_review.signatures_name_hide(signatures=Signature.objects.filter(pk=signature.pk))
            self.message_user(
                request,
                gettext("“%(name)s” is no longer shown or delivered.")
                % {"name": signature.first_name},
                messages.SUCCESS,
            )
            return redirect("admin:petitions_signature_names")
        return tool_page_response(
            self,
            request,
            "admin/petitions/signature/names.html",
            gettext("Names of signers"),
            listed=name_review.names_listed_publicly(),
            unlisted=name_review.names_unlisted(),
            show_last_names=signer_contact_visible_to(request.user),
        )

    @admin.action(
        description=_("Hide the names: never show or deliver the selected signers' names"),
        permissions=["change"],
    )
    def hide_names(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = name_review.signatures_name_hide(signatures=queryset)
        message = ngettext("%(count)d name hidden.", "%(count)d names hidden.", count)
        self.message_user(request, message % {"count": count}, messages.SUCCESS)

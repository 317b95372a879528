"""The "Names" page: every name the public list may show, each hidden in one click, and the
names that failed the rule (never shown, never delivered), for staff to look at."""

from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import intcomma
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
from petitions.selectors import (
    ListsNotYetSent,
    lists_not_yet_sent_naming,
    lists_written_again_count,
    signatures_named_to_authorities,
)
from petitions.signer_contact import signer_contact_visible_to
from staff.access_trail import request_ip_hmac


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
            hiding = Signature.objects.filter(pk=signature.pk)
            delivered = _named_to_authorities_count(hiding)
            not_yet_sent = _lists_not_yet_sent(hiding)
            name_review.signatures_name_hide(
                signatures=hiding, actor=request.user, ip_hmac=request_ip_hmac(request)
            )
            self.message_user(
                request,
                gettext("“%(name)s” is no longer shown or delivered.")
                % {"name": signature.first_name},
                messages.SUCCESS,
            )
            self._lists_not_yet_sent_tell(request, not_yet_sent)
            if delivered:
                self.message_user(
                    request,
                    gettext(
                        "Their name had already been given to the authorities: a list already "
                        "delivered cannot be recalled."
                    ),
                    messages.WARNING,
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
        delivered = _named_to_authorities_count(queryset)
        not_yet_sent = _lists_not_yet_sent(queryset)
        count = name_review.signatures_name_hide(
            signatures=queryset, actor=request.user, ip_hmac=request_ip_hmac(request)
        )
        message = ngettext("%(count)s name hidden.", "%(count)s names hidden.", count)
        self.message_user(request, message % {"count": intcomma(count)}, messages.SUCCESS)
        self._lists_not_yet_sent_tell(request, not_yet_sent)
        if delivered:
            message = ngettext(
                "%(count)s of these names had already been given to the authorities: a list "
                "already delivered cannot be recalled.",
                "%(count)s of these names had already been given to the authorities: a list "
                "already delivered cannot be recalled.",
                delivered,
            )
            self.message_user(request, message % {"count": intcomma(delivered)}, messages.WARNING)

    def _lists_not_yet_sent_tell(self, request: HttpRequest, lists: ListsNotYetSent) -> None:
        """Tell staff what becomes of the lists not yet sent that name whom they hid.

        A worker writes them again (a list of a hundred thousand names takes minutes; without a
        broker, as under `make run`, it has done so before this is said), and each list is
        checked again before it goes. One a sender holds at this moment goes as it is: only
        should that attempt fail is it written again before the next.
        """
        if lists.rewritten:
            if lists_written_again_count(lists=lists) == lists.rewritten:
                # Tasks ran in-process (`make run`): the worker's rewrite is done already.
                message = ngettext(
                    "%(count)s list not yet sent was written again without these names.",
                    "%(count)s lists not yet sent were written again without these names.",
                    lists.rewritten,
                )
            else:
                message = ngettext(
                    "%(count)s list not yet sent is being written again without these names, "
                    "in the background.",
                    "%(count)s lists not yet sent are being written again without these names, "
                    "in the background.",
                    lists.rewritten,
                )
            self.message_user(
                request, message % {"count": intcomma(lists.rewritten)}, messages.INFO
            )
        if lists.being_sent:
            message = ngettext(
                "%(count)s list naming them was being sent at that moment: it goes as it is, "
                "and cannot be recalled. Should this attempt fail, it will be written again "
                "without these names before the next.",
                "%(count)s lists naming them were being sent at that moment: they go as they "
                "are, and cannot be recalled. Should an attempt fail, that list will be written "
                "again without these names before the next.",
                lists.being_sent,
            )
            self.message_user(
                request, message % {"count": intcomma(lists.being_sent)}, messages.WARNING
            )


def _named_to_authorities_count(signatures: QuerySet[Signature]) -> int:
    """Count the signers whose name a delivery already sent gave (hiding it cannot recall it)."""
    named = signatures_named_to_authorities(
        signatures=Signature.objects.filter(pk__in=signatures.values("pk"))
    )
    return named.values("pk").distinct().count()


def _lists_not_yet_sent(signatures: QuerySet[Signature]) -> ListsNotYetSent:
    """Count the lists not sent yet that name these signers: written again once they are
    hidden, or being sent."""
    return lists_not_yet_sent_naming(
        signatures=Signature.objects.filter(pk__in=signatures.values("pk"))
    )

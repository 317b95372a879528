"""The signature list, fast at a million rows, and staff review with a reason on each row.

Review only: what a signer gave stays as they gave it. Exports and erasure are the mixins of
petitions/admin/exports.py and petitions/admin/erasure.py.
"""

import re
from functools import cached_property

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_mixins import admin_field_names, language_name
from petitions import review, selectors
from petitions.admin.access_requests import SignerAccessAdminMixin
from petitions.admin.country_filter import CountryListFilter
from petitions.admin.erasure import SignatureErasureAdminMixin
from petitions.admin.exports import SignatureExportsAdminMixin
from petitions.admin.names import SignatureNamesAdminMixin
from petitions.agent_families import agent_family_label
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from petitions.signer_contact import CONTACT_FIELDS, signer_contact_visible_to
from staff.admin_mixins import AccessTrailAdminMixin

# Below this many rows the estimate is not worth it: count them.
ESTIMATE_FROM_ROWS = 10_000


class EstimatedCountPaginator(Paginator):
    """Count the unfiltered list from PostgreSQL's statistics instead of COUNT(*).

    A filtered or searched list is counted exactly: the indexes keep those counts small.
    """

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is not None and not query.where:
            estimate = selectors.signatures_estimated_count()
            if estimate is not None and estimate >= ESTIMATE_FROM_ROWS:
                return estimate
        return super().count


class SignatureActionForm(helpers.ActionForm):
    reason = forms.CharField(
        label=_("Reason (kept with each signature)"),
        required=False,
        max_length=200,
    )


def _name_starts_with(field: str, word: str, *, sqlite: bool) -> Q:
    """Match names that start with `word` in any case, "émilie" finding "Émilie".

    SQLite's LIKE, which istartswith becomes there (make run), folds ASCII letters only;
    Django runs SQLite's regular expressions in Python, which folds every letter as
    PostgreSQL does.
    """
    if sqlite:
        return Q(**{f"{field}__iregex": f"^{re.escape(word)}"})
    return Q(**{f"{field}__istartswith": word})


def _search_refusal(term: str, request: HttpRequest) -> str:
    """Say what the user's search left unsearched, or nothing if it searched all it was asked.

    "0 results" alone would read as "this person never signed". The words depend on the term
    and the role only, never on the rows, so they tell no one who signed.
    """
    if not term or signer_contact_visible_to(request.user):
        return ""
    if "@" in term:
        return gettext(
            "Your role cannot search signers by email address: nothing was searched. A data "
            "officer can."
        )
    return gettext(
        "Your role cannot search signers by last name: only first names were searched. A data "
        "officer can."
    )


@admin.register(Signature)
class SignatureAdmin(
    AccessTrailAdminMixin,
    SignatureExportsAdminMixin,
    SignerAccessAdminMixin,
    SignatureErasureAdminMixin,
    SignatureNamesAdminMixin,
    admin.ModelAdmin,
):
    """Review, not editing: an estimated total, searches and filters that indexes serve, and
    no date hierarchy (it reads every row's date)."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator
    action_form = SignatureActionForm
    # What each role's search finds: get_changelist_instance shows the one for the user.
    search_help_text = _(
        "An email address (matched exactly), or the beginning of a last or first name."
    )
    search_help_text_without_contact = _(
        "The beginning of a first name. Your role cannot search by email address or last name."
    )

    list_display = [
        "first_name",
        "last_name",
        "country",
        "petition",
        "status",
        "email_status",
        "created_at",
        "confirmed_at",
    ]
    list_filter = [
        "petition",
        "status",
        CountryListFilter,
        "created_at",
        "name_in_delivery",
        "name_review",
        "newsletter_opt_in",
        "email_status",
    ]
    # The search itself is get_search_results, below.
    search_fields = ["mailbox_hash", "last_name", "first_name"]
    actions = [
        "approve",
        "flag",
        "invalidate",
        "review_again",
        "hide_names",
        "export_csv",
        "export_xlsx",
    ]
    list_select_related = ["petition"]
    fieldsets = [
        (None, {"fields": ["petition", "status", "first_name", "last_name", "email", "country"]}),
        (_("Optional"), {"fields": ["postcode", "comment", "language_label", "referral_code"]}),
        (
            _("Consent"),
            {
                "fields": [
                    "privacy_notice_version",
                    "consented_at",
                    "show_first_name",
                    "name_in_delivery",
                    "name_review",
                    "newsletter_opt_in",
                ]
            },
        ),
        (
            _("Confirmation"),
            {
                "fields": [
                    "created_at",
                    "confirmed_at",
                    "confirmation_sent_at",
                    "confirmation_send_count",
                    "email_status",
                    "email_message_id",
                    "ip_hash",
                    "email_domain",
                    "browser_family",
                    "share_code",
                    "reminded_at",
                ]
            },
        ),
        (
            _("Review"),
            {
                "fields": [
                    "status_reason",
                    "status_changed_at",
                    "invalidation",
                    "status_before_invalidation",
                    "erased_at",
                ]
            },
        ),
    ]

    def get_actions(self, request: HttpRequest):
        # A signer leaves through erasure ("Erase a signer"), which the trail records and
        # the delivery lists follow; Django's bulk delete would do neither.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A signature's page only shows it (every field is read-only): the list's actions are
        # what change a status, with a reason. Its page offers no Save that would save nothing.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        # A signature leaves by erasure ("Erase a person"): anonymised in place, so the ledger's
        # counts still add up, with the delivery files rewritten and the trail kept. A deletion
        # would leave an unexplained drop in the ledger and the name in the files sent.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return admin_field_names(self)

    @admin.display(description=_("language"))
    def language_label(self, signature: Signature) -> str:
        return language_name(signature.language)

    @admin.display(description=_("browser family"))
    def browser_family(self, signature: Signature) -> str:
        return agent_family_label(signature.agent_family)

    def get_list_display(self, request: HttpRequest):
        hidden = set() if signer_contact_visible_to(request.user) else set(CONTACT_FIELDS)
        if not selectors.petitions_several():
            # One petition, as most campaigns have: its title in every row would say nothing
            # and would take the room of the dates.
            hidden.add("petition")
        return [name for name in self.list_display if name not in hidden]

    def get_fieldsets(self, request: HttpRequest, obj=None):
        if signer_contact_visible_to(request.user):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in CONTACT_FIELDS]})
            for name, options in self.fieldsets
        ]

    def _review(self, request: HttpRequest, queryset: QuerySet[Signature], action) -> int:
        """Apply a review service with the reason typed beside the action menu."""
        return action(signatures=queryset, reason=request.POST.get("reason", ""))

    @admin.action(
        description=_("Approve: count the selected flagged signatures"), permissions=["change"]
    )
    def approve(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = self._review(request, queryset, review.signatures_approve)
        message = ngettext("%(count)s signature approved.", "%(count)s signatures approved.", count)
        self.message_user(request, message % {"count": intcomma(count)}, messages.SUCCESS)

    @admin.action(
        description=_("Invalidate: never count the selected signatures"), permissions=["change"]
    )
    def invalidate(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        try:
            count = self._review(request, queryset, review.signatures_invalidate)
        except review.ReasonRequired:
            self.message_user(
                request,
                _(
                    "Nothing was invalidated: say why in “Reason”, beside the action. It is "
                    "kept with each signature."
                ),
                messages.ERROR,
            )
            return
        message = ngettext(
            "%(count)s signature invalidated. If this was a mistake, “Review again” holds it "
            "as flagged.",
            "%(count)s signatures invalidated. If this was a mistake, “Review again” holds them "
            "as flagged.",
            count,
        )
        self.message_user(request, message % {"count": intcomma(count)}, messages.SUCCESS)

    @admin.action(
        description=_("Review again: hold the selected invalidated signatures as flagged"),
        permissions=["change"],
    )
    def review_again(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        by_criteria = queryset.filter(
            status=Signature.Status.INVALIDATED, invalidation__isnull=False
        ).count()
        count = self._review(request, queryset, review.signatures_review_again)
        message = ngettext(
            "%(count)s signature is flagged again, for review.",
            "%(count)s signatures are flagged again, for review.",
            count,
        )
        self.message_user(request, message % {"count": intcomma(count)}, messages.SUCCESS)
        if by_criteria:
            self.message_user(
                request,
                ngettext(
                    "%(count)s was invalidated by criteria: undo that invalidation from its page.",
                    "%(count)s were invalidated by criteria: undo that invalidation from its page.",
                    by_criteria,
                )
                % {"count": intcomma(by_criteria)},
                messages.WARNING,
            )

    def lookup_allowed(self, lookup, value, request=None):
        """Filter only by what the list's filters offer.

        Django takes any of a model's own fields from the list's address (?email=…,
        ?last_name__istartswith=…, ?postcode=…): a petition manager would find a signer by what
        the search refuses them, and the trail, which keeps a search only as a fingerprint, would
        keep what was typed there as a filter, in a table nothing may rewrite.
        """
        offered = {getattr(item, "parameter_name", item) for item in self.list_filter}
        if lookup.split(LOOKUP_SEP, 1)[0] not in offered:
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_changelist_instance(self, request: HttpRequest):
        changelist = super().get_changelist_instance(request)
        if not signer_contact_visible_to(request.user):
            changelist.search_help_text = str(self.search_help_text_without_contact)
        return changelist

    def changelist_view(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is None:  # an action's confirmation page, a redirect, a refusal
            return response
        # Told here, as the list is drawn, once: get_search_results also runs for an action,
        # whose page after it searches again.
        refusal = _search_refusal(changelist.query.strip(), request)
        if refusal:
            self.message_user(request, refusal, messages.WARNING)
        return response

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Search what the indexes serve: a whole address, or the start of names.

        Only those who may see signers' contact search by address or last name: for anyone
        else, a search that finds a row would tell them who signed.
        """
        term = search_term.strip()
        if not term:
            return queryset, False
        contact = signer_contact_visible_to(request.user)
        if "@" in term:
            if not contact:
                return queryset.none(), False
            return queryset.filter(mailbox_hash=mailbox_hash(term)), False
        fields = ["first_name", "last_name"] if contact else ["first_name"]
        sqlite = connections[queryset.db].vendor == "sqlite"
        condition = Q()
        for word in term.split()[:4]:
            words = Q()
            for field in fields:
                words |= _name_starts_with(field, word, sqlite=sqlite)
            condition &= words
        return queryset.filter(condition), False

    @admin.action(
        description=_("Flag: hold the selected signatures out of the count for review"),
        permissions=["change"],
    )
    def flag(self, request: HttpRequest, queryset: QuerySet[Signature]) -> None:
        count = self._review(request, queryset, review.signatures_flag)
        message = ngettext("%(count)s signature flagged.", "%(count)s signatures flagged.", count)
        self.message_user(request, message % {"count": intcomma(count)}, messages.SUCCESS)

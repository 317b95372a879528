from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR, SEARCH_VAR
from django.http import HttpRequest, HttpResponse, QueryDict

from core.admin_mixins import ModelAdminMixinBase
from staff.access_trail import access_event_record, request_ip_hmac, search_fingerprint
from staff.models import AccessEvent

# What the change list's address may carry besides the search and the filters.
NOT_FILTERS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG, "_changelist_filters"}


def changelist_query_for_trail(query: QueryDict) -> dict:
    """Return what a list's address says, as the access trail may keep it: its filters, and
    of its search a keyed fingerprint and a number of words, never the words (a name or an
    address typed there would outlive any erasure in the append-only trail)."""
    search = query.get(SEARCH_VAR, "").strip()
    return {
        "search_fingerprint": search_fingerprint(search) if search else "",
        "search_words": len(search.split()),
        "filters": {key: query.getlist(key) for key in query if key not in NOT_FILTERS},
    }


class AccessTrailAdminMixin(ModelAdminMixinBase):
    """Trail every look at an object's page, and every page of the list that shows rows.

    Put it first in the bases of a ModelAdmin that shows signature data. The entries name the
    object by type and number only, and a search by its keyed fingerprint and its number of
    words: the trail must not keep a copy of what a signer erased, nor whom staff looked for.
    Paging through the bare list is trailed too, page by page: a hundred names a page, read
    to the end, is an export by other means.
    """

    trail_view_action = AccessEvent.Action.VIEWED_SIGNATURE
    trail_search_action = AccessEvent.Action.SEARCHED_SIGNATURES
    trail_list_action = AccessEvent.Action.LISTED_SIGNATURES

    def _trail_target(self, object_id: str) -> str:
        return f"{self.model._meta.label} #{object_id}"

    def _trail_view(self, request: HttpRequest, object_id: str) -> None:
        access_event_record(
            actor=request.user,
            action=self.trail_view_action,
            target=self._trail_target(object_id),
            ip_hmac=request_ip_hmac(request),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._trail_view(request, object_id)
        return response

    def history_view(self, request, object_id, extra_context=None) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._trail_view(request, object_id)
        return response

    def delete_view(self, request, object_id, extra_context=None) -> HttpResponse:
        response = super().delete_view(request, object_id, extra_context)
        self._trail_view(request, object_id)
        return response

    def changelist_view(self, request, extra_context=None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is None:  # an action's confirmation page, a redirect, a refusal
            return response
        listed = changelist_query_for_trail(request.GET)
        if listed["search_words"] or listed["filters"]:
            access_event_record(
                actor=request.user,
                action=self.trail_search_action,
                target=self.model._meta.label,
                query=listed,
                row_count=changelist.result_count,
                ip_hmac=request_ip_hmac(request),
            )
        elif changelist.result_list:
            access_event_record(
                actor=request.user,
                action=self.trail_list_action,
                target=self.model._meta.label,
                query={"page": changelist.page_num},
                row_count=len(changelist.result_list),
                ip_hmac=request_ip_hmac(request),
            )
        return response

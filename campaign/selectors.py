"""Reads for the public site."""

from django.db.models import Prefetch, QuerySet

from campaign.models import CallToAction, Campaign, Page, PageCallToAction
from campaign.page_drafts import page_draft_apply


def _campaigns_site_first() -> QuerySet[Campaign]:
    """The campaigns, the one this site runs first (one site, one campaign)."""
    return Campaign.objects.order_by("pk")


def campaign_current() -> Campaign | None:
    """Return the campaign this site runs."""
    return _campaigns_site_first().first()


def _with_calls_to_action(pages):
    return pages.select_related("campaign").prefetch_related(
        Prefetch(
            "pagecalltoaction_set",
            queryset=PageCallToAction.objects.filter(call_to_action__is_active=True)
            .select_related("call_to_action")
            .order_by("position", "pk"),
            to_attr="placed_calls_to_action",
        )
    )


def page_home() -> Page | None:
    """Return the published case page shown at the root of the site: the site's campaign's.

    The home-page guard keeps one published per campaign (campaign/home_page.py); another
    campaign's case page never stands in at `/`.
    """
    site_campaign = _campaigns_site_first().values("pk")[:1]
    return (
        _with_calls_to_action(
            Page.objects.published().of_kind(Page.Kind.CASE).filter(campaign__in=site_campaign)
        )
        .order_by("position", "pk")
        .first()
    )


def page_published_by_slug(*, slug: str) -> Page | None:
    return _with_calls_to_action(Page.objects.published().filter(slug=slug)).first()


def page_for_preview(*, pk: int) -> Page | None:
    """Return a page whatever its status, for staff previews: its working copy, if it has one."""
    page = _with_calls_to_action(Page.objects.filter(pk=pk)).first()
    return page_draft_apply(page) if page is not None else None


def page_calls_to_action(page: Page) -> list[CallToAction]:
    placed = getattr(page, "placed_calls_to_action", None)
    if placed is None:
        return [
            placement.call_to_action
            for placement in page.pagecalltoaction_set.filter(call_to_action__is_active=True)
            .select_related("call_to_action")
            .order_by("position", "pk")
        ]
    return [placement.call_to_action for placement in placed]


def navigation_pages() -> list[Page]:
    """Return the published case and context pages, in menu order."""
    return list(
        Page.objects.published()
        .filter(kind__in=[Page.Kind.CASE, Page.Kind.CONTEXT])
        .order_by("position", "pk")
    )


def legal_pages() -> list[Page]:
    return list(
        Page.objects.published()
        .filter(kind__in=[Page.Kind.CONTACT, Page.Kind.PRIVACY, Page.Kind.LEGAL_NOTICE])
        .order_by("position", "pk")
    )

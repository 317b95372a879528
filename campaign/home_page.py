"""The case page `/` shows: one published per campaign, never none. The checks that keep it so
before a page is published, unpublished, deleted or saved, and the refusals they raise; the
writes that call them are in campaign/services.py."""

from collections import Counter

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaign.models import Campaign, Page


class HomePageRequired(Exception):
    """The site's address `/` would have no page: the message says what to do instead; `home`
    is the case page `/` shows."""

    def __init__(self, message: str, *, home: Page) -> None:
        super().__init__(message)
        self.home = home


class HomePagePublishedMeanwhile(HomePageRequired):
    """Another staff member made `home`, one of the pages leaving, the case page `/` shows while
    they were being unpublished or deleted: none of them left."""

    def __init__(self, home: Page) -> None:
        super().__init__(
            _(
                "In the same moment, %(page)s was published at the site's address (/), where "
                "it is now the only case page: nothing was unpublished or deleted. To take it "
                "off, first publish another case page in its place."
            )
            % {"page": _("“%(title)s”") % {"title": home}},
            home=home,
        )


class HomePageTaken(Exception):
    """Another case page of the campaign is published, the one `/` shows: `home`."""

    def __init__(self, home: Page) -> None:
        super().__init__(home)
        self.home = home


def home_page_guard(*, leaving: QuerySet[Page]) -> None:
    """Refuse to let `leaving` pages go if a campaign would be left with no published case page
    for `/`.

    `/` shows the campaign's published case page; without one the site has no page at its own
    address, in any language. Each campaign's is its own: another campaign's case page does not
    stand in for it.
    """
    staying = Page.objects.published().of_kind(Page.Kind.CASE).exclude(pk__in=leaving.values("pk"))
    leaving_home = (
        leaving.filter(status=Page.Status.PUBLISHED, kind=Page.Kind.CASE)
        .exclude(campaign__in=staying.values("campaign"))
        .first()
    )
    if leaving_home is not None:
        raise HomePageRequired(
            _(
                "This case page is the one shown at the site's address (/): it cannot be "
                "unpublished or deleted until another case page is published in its place."
            ),
            home=leaving_home,
        )


def home_page_guard_holding(*, leaving: QuerySet[Page]) -> None:
    """Lock the pages `leaving` until the transaction ends, then refuse as home_page_guard does,
    with HomePagePublishedMeanwhile.

    A page becomes the case page `/` shows only by a write to its own row (published from the
    list, or put in place, which locks the campaign's case pages), and while one is, the
    constraint lets no other case page be published: with these rows locked, what the guard
    finds stays true until they have gone. Unlocked, another staff member could put one of them
    at `/` between the check and the write, which would then leave `/` with no page.
    """
    list(leaving.order_by("pk").select_for_update().values_list("pk", flat=True))
    try:
        home_page_guard(leaving=leaving)
    except HomePageRequired as refused:
        raise HomePagePublishedMeanwhile(refused.home) from None


def home_page_taken_guard(*, campaign: Campaign, page_pk: int | None) -> None:
    """Refuse to publish the page `page_pk` (None: a new one) as a case page of `campaign`
    beside the one it has published."""
    home = (
        Page.objects.published()
        .of_kind(Page.Kind.CASE)
        .filter(campaign=campaign)
        .exclude(pk=page_pk)
        .first()
    )
    if home is not None:
        raise HomePageTaken(home)


def case_pages_waiting(pages: QuerySet[Page]) -> list[Page]:
    """Return the draft case pages among `pages` that publishing would put beside another.

    A campaign publishes one case page, the one `/` shows (campaign.models.Page's constraint):
    a draft waits while its campaign has one published, and so does each of several drafts of
    one campaign published together, since none of them is more the home page than the others.
    """
    drafts = list(pages.filter(kind=Page.Kind.CASE).exclude(status=Page.Status.PUBLISHED))
    campaigns_with_home = set(
        Page.objects.published()
        .of_kind(Page.Kind.CASE)
        .filter(campaign__in={page.campaign_id for page in drafts})
        .values_list("campaign", flat=True)
    )
    drafts_by_campaign = Counter(page.campaign_id for page in drafts)
    return [
        page
        for page in drafts
        if page.campaign_id in campaigns_with_home or drafts_by_campaign[page.campaign_id] > 1
    ]

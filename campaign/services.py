"""Writes to the campaign's pages: every caller (admin, commands, tests) goes through here.

The checks that keep a case page at `/` are campaign/home_page.py's; the writes here call them.
"""

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaign import content, home_page
from campaign.legal_notice import legal_notice_complete
from campaign.models import (
    CALL_TO_ACTION_UNIQUE_KIND,
    ONE_PUBLISHED_CASE_PAGE,
    PAGE_UNIQUE_SLUG,
    CallToAction,
    Campaign,
    Page,
    PageCallToAction,
)
from campaign.richtext import rich_text_sanitize
from core.public_cache import public_content_changed
from core.translated_content import translated_field_values
from core.unsaved_files import files_removed_unless_saved


@dataclass(frozen=True)
class CampaignLoadReport:
    campaign_created: bool
    pages_created: int
    calls_to_action_created: int

    def __str__(self) -> str:
        # What load_campaign prints, in the language it runs in, counts grouped as staff read
        # them.
        pages = ngettext(
            "%(count)s page created", "%(count)s pages created", self.pages_created
        ) % {"count": intcomma(self.pages_created)}
        calls = ngettext(
            "%(count)s call to action created",
            "%(count)s calls to action created",
            self.calls_to_action_created,
        ) % {"count": intcomma(self.calls_to_action_created)}
        if self.campaign_created:
            report = _("campaign created; %(pages)s, %(calls)s.")
        else:
            report = _("campaign already there; %(pages)s, %(calls)s.")
        return report % {"pages": pages, "calls": calls}


def legal_notices_incomplete(pages: QuerySet[Page]) -> list[Page]:
    """Return the legal notices among `pages` whose campaign lacks the identities they show."""
    return [
        page
        for page in pages.filter(kind=Page.Kind.LEGAL_NOTICE).select_related("campaign")
        if not legal_notice_complete(page.campaign)
    ]


def pages_publishable(pages: QuerySet[Page]) -> QuerySet[Page]:
    """Return the pages that may be published: all but a legal notice missing its identities,
    and a case page that would stand beside another."""
    waiting = [*legal_notices_incomplete(pages), *home_page.case_pages_waiting(pages)]
    return pages.exclude(pk__in=[page.pk for page in waiting])


def pages_publish(*, pages: QuerySet[Page]) -> int:
    """Make the given pages public, a legal notice only once complete; return how many changed.

    Raise HomePageTaken, publishing none of them, if another case page was published at `/`
    in the same moment, after the pages that would stand beside one were set aside.
    """
    publishable = pages_publishable(pages)
    try:
        with transaction.atomic():
            changed = publishable.exclude(status=Page.Status.PUBLISHED).update(
                status=Page.Status.PUBLISHED
            )
    except IntegrityError as error:
        home = _home_page_published_meanwhile(error, publishing=pages)
        if home is None:
            raise
        raise home_page.HomePageTaken(home) from error
    transaction.on_commit(public_content_changed)
    return changed


class PageAddressTaken(Exception):
    """Another page of the campaign has the address (slug) a page was to take: `page`."""

    def __init__(self, page: Page) -> None:
        super().__init__(page)
        self.page = page


def page_save(*, page: Page, fields: Collection[str] | None = None) -> None:
    """Save the page staff edited (only its `fields`, if given); raise HomePageTaken or
    PageAddressTaken, saving nothing, if another page took `/` or its address first (nor
    keeping the image it came with), and HomePagePublishedMeanwhile if it was put at `/` and
    would leave it.

    The admin's form checks both before saving (home_page_taken_guard, and the page with the
    slug), but another staff member may publish a case page, or save a page at the same
    address, between that check and this save: the database's constraints then refuse this
    one.
    """
    try:
        # Its new image is stored before the row: refused, the row would leave it unnamed.
        with files_removed_unless_saved(page), transaction.atomic():
            if page.pk is not None and (fields is None or {"kind", "status"} & set(fields)):
                _home_page_kept(page)
            # The time it was updated too: an edit form opened before knows it by that.
            page.save(update_fields=None if fields is None else [*fields, "updated_at"])
    except IntegrityError as error:
        taken = _taken_first(error, page=page)
        if taken is None:
            raise
        raise taken from error


def _home_page_kept(page: Page) -> None:
    """Refuse to save `page` as a draft, or as a page of another kind, if it is the case page
    `/` shows: another staff member may have put it there since the form's check."""
    if not (page.kind == Page.Kind.CASE and page.status == Page.Status.PUBLISHED):
        home_page.home_page_guard_holding(leaving=Page.objects.filter(pk=page.pk))


def _taken_first(
    error: IntegrityError, *, page: Page
) -> home_page.HomePageTaken | PageAddressTaken | None:
    """Return what another page took first, which the database refused `page` for (`error`);
    None if it refused it for something else."""
    refused_by = _constraint_refused(error)
    others = Page.objects.filter(campaign=page.campaign_id).exclude(pk=page.pk)
    if refused_by in (PAGE_UNIQUE_SLUG, None):
        holder = others.filter(slug=page.slug).first()
        if holder is not None:
            return PageAddressTaken(holder)
    if refused_by in (ONE_PUBLISHED_CASE_PAGE, None) and (
        page.kind == Page.Kind.CASE and page.status == Page.Status.PUBLISHED
    ):
        home = others.published().of_kind(Page.Kind.CASE).first()
        if home is not None:
            return home_page.HomePageTaken(home)
    return None


def _constraint_refused(error: IntegrityError) -> str | None:
    """Return the name of the constraint that refused a write; None where the database does not
    say (SQLite names only the columns: the rows themselves then say which)."""
    diagnosis = getattr(error.__cause__, "diag", None)
    if diagnosis is None:
        return None
    return diagnosis.constraint_name or ""


class CampaignAddressTaken(Exception):
    """Another campaign has the address (slug) a campaign was to take, saved a moment ago:
    `other`."""

    def __init__(self, other: Campaign) -> None:
        super().__init__(other)
        self.other = other


def campaign_save(*, campaign: Campaign) -> None:
    """Save the campaign staff edited; raise CampaignAddressTaken, saving nothing (nor keeping
    the share image it came with), if another staff member saved a campaign at its address
    first (after the form's check that none has it, before this save)."""
    try:
        # Its new share image is stored before the row: refused, nothing would name it.
        with files_removed_unless_saved(campaign), transaction.atomic():
            campaign.save()
    except IntegrityError as error:
        # Its slug is the one column of a campaign that must be unique: the rows say whether
        # it is what the database refused, on SQLite too, which does not name the constraint.
        other = Campaign.objects.filter(slug=campaign.slug).exclude(pk=campaign.pk).first()
        if other is None:
            raise
        raise CampaignAddressTaken(other) from error


class CallToActionKindTaken(Exception):
    """The campaign has a call to action of this kind already, saved a moment ago: `other`."""

    def __init__(self, other: CallToAction) -> None:
        super().__init__(other)
        self.other = other


def call_to_action_save(*, call_to_action: CallToAction) -> None:
    """Save the call to action staff edited; raise CallToActionKindTaken, saving nothing, if
    another staff member saved one of the same kind for the campaign first (after the form's
    check that none has it, before this save)."""
    try:
        with transaction.atomic():
            call_to_action.save()
    except IntegrityError as error:
        if _constraint_refused(error) not in (CALL_TO_ACTION_UNIQUE_KIND, None):
            raise
        other = (
            CallToAction.objects.filter(
                campaign=call_to_action.campaign_id, kind=call_to_action.kind
            )
            .exclude(pk=call_to_action.pk)
            .first()
        )
        if other is None:
            raise
        raise CallToActionKindTaken(other) from error


def case_page_publish_in_place(*, page: Page) -> Page | None:
    """Publish the case page `page` at `/`; return the case page it replaces, now a draft."""
    if page.kind != Page.Kind.CASE:
        raise ValueError(f"Only a case page is shown at /, not a page of kind {page.kind}.")
    try:
        replaced = _case_page_put_in_place(page)
    except IntegrityError as error:
        # Locked, the case pages wait for each other; a page that became one since (a new
        # page, or a context page made a case page, published) is not among them.
        home = _home_page_published_meanwhile(error, publishing=Page.objects.filter(pk=page.pk))
        if home is None:
            raise
        raise home_page.HomePageTaken(home) from error
    page.status = Page.Status.PUBLISHED
    transaction.on_commit(public_content_changed)
    return replaced


def _case_page_put_in_place(page: Page) -> Page | None:
    """Publish `page` and make the case page it replaces a draft, in one transaction."""
    with transaction.atomic():
        # Locked in one order, so that two staff putting pages in place wait for each other.
        case_pages = list(
            Page.objects.of_kind(Page.Kind.CASE)
            .filter(campaign=page.campaign_id)
            .order_by("pk")
            .select_for_update()
        )
        replaced = next(
            (other for other in case_pages if other.is_published and other.pk != page.pk), None
        )
        # The draft first: the constraint is checked at each statement.
        if replaced is not None:
            Page.objects.filter(pk=replaced.pk).update(status=Page.Status.DRAFT)
            replaced.status = Page.Status.DRAFT
        Page.objects.filter(pk=page.pk).update(status=Page.Status.PUBLISHED)
    return replaced


def _home_page_published_meanwhile(
    error: IntegrityError, *, publishing: QuerySet[Page]
) -> Page | None:
    """Return the case page another staff member published at `/` while the pages
    `publishing` were being published, which the database refused them for (`error`); None if
    it refused them for something else."""
    if _constraint_refused(error) not in (ONE_PUBLISHED_CASE_PAGE, None):
        return None
    return (
        Page.objects.published()
        .of_kind(Page.Kind.CASE)
        .filter(campaign__in=publishing.values("campaign"))
        .exclude(pk__in=publishing.values("pk"))
        .first()
    )


def pages_unpublish(*, pages: QuerySet[Page]) -> int:
    """Take the given pages off the public site; return how many changed.

    Raise HomePageRequired, changing nothing, if `/` would be left without a page
    (HomePagePublishedMeanwhile if another staff member put one of them there meanwhile).
    """
    home_page.home_page_guard(leaving=pages)
    with transaction.atomic():
        home_page.home_page_guard_holding(leaving=pages)
        changed = pages.exclude(status=Page.Status.DRAFT).update(status=Page.Status.DRAFT)
    transaction.on_commit(public_content_changed)
    return changed


def page_delete(*, page: Page) -> None:
    """Delete the page staff chose; raise HomePagePublishedMeanwhile, deleting nothing, if
    another staff member put it at `/` since the admin let it be deleted."""
    with transaction.atomic():
        home_page.home_page_guard_holding(leaving=Page.objects.filter(pk=page.pk))
        page.delete()
    transaction.on_commit(public_content_changed)


def _initial_status(campaign: Campaign, kind: str) -> str:
    """Publish what is complete; the legal notice and the contact page wait for staff's data,
    and a case page for its campaign's published one to leave `/`."""
    if kind == Page.Kind.LEGAL_NOTICE and not legal_notice_complete(campaign):
        return Page.Status.DRAFT
    if kind == Page.Kind.CONTACT and not campaign.contact_email:
        return Page.Status.DRAFT
    if (
        kind == Page.Kind.CASE
        and Page.objects.published().of_kind(Page.Kind.CASE).filter(campaign=campaign).exists()
    ):
        # A case page deleted, then loaded again, waits beside the one staff put at `/`.
        return Page.Status.DRAFT
    return Page.Status.PUBLISHED


def _field_values(entry: dict, *, model: type[models.Model]) -> dict:
    """Return an entry's column values, its rich text sanitised and its French typeset as the
    admin would."""
    values = translated_field_values(entry, model=model)
    for field in values:
        if field.startswith("body_"):
            values[field] = rich_text_sanitize(values[field])
    return values


@transaction.atomic
def campaign_load_initial() -> CampaignLoadReport:
    """Create the Mamat campaign's pages and calls to action that do not exist yet.

    Idempotent, and never overwrites: what staff have edited or deleted stays as they left it,
    except that a deleted page or call to action comes back on the next load.
    """
    campaign_values = _field_values(content.CAMPAIGN, model=Campaign)
    campaign, campaign_created = Campaign.objects.get_or_create(
        slug=campaign_values.pop("slug"), defaults=campaign_values
    )

    calls_created = 0
    calls_by_kind = {}
    for entry in content.CALLS_TO_ACTION:
        values = _field_values(entry, model=CallToAction)
        call, created = CallToAction.objects.get_or_create(
            campaign=campaign, kind=values.pop("kind"), defaults=values
        )
        calls_by_kind[call.kind] = call
        calls_created += created

    pages_created = 0
    for page_entry in content.PAGES:
        values = _field_values(page_entry, model=Page)
        kinds = values.pop("calls_to_action")
        page, created = Page.objects.get_or_create(
            campaign=campaign,
            slug=values.pop("slug"),
            defaults={**values, "status": _initial_status(campaign, values["kind"])},
        )
        if created:
            pages_created += 1
            PageCallToAction.objects.bulk_create(
                PageCallToAction(page=page, call_to_action=calls_by_kind[kind], position=index)
                for index, kind in enumerate(kinds)
            )

    transaction.on_commit(public_content_changed)
    return CampaignLoadReport(
        campaign_created=campaign_created,
        pages_created=pages_created,
        calls_to_action_created=calls_created,
    )

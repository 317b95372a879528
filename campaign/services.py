"""Writes to the campaign's pages: every caller (admin, commands, tests) goes through here."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from campaign import content
from campaign.legal_notice import legal_notice_complete
from campaign.models import CallToAction, Campaign, Page, PageCallToAction
from campaign.richtext import rich_text_sanitize
from core.public_cache import public_content_changed
from core.translated_content import translated_field_values


@dataclass(frozen=True)
class CampaignLoadReport:
    campaign_created: bool
    pages_created: int
    calls_to_action_created: int

    def __str__(self) -> str:
        state = "created" if self.campaign_created else "already there"
        return (
            f"campaign {state}; {self.pages_created} page(s) and "
            f"{self.calls_to_action_created} call(s) to action created."
        )


def pages_publishable(pages: QuerySet[Page]) -> QuerySet[Page]:
    """Return the pages that may be published: all but a legal notice missing its identities."""
    incomplete = [
        page.pk
        for page in pages.filter(kind=Page.Kind.LEGAL_NOTICE).select_related("campaign")
        if not legal_notice_complete(page.campaign)
    ]
    return pages.exclude(pk__in=incomplete)


def pages_publish(*, pages: QuerySet[Page]) -> int:
    """Make the given pages public, a legal notice only once complete; return how many changed."""
    changed = (
        pages_publishable(pages)
        .exclude(status=Page.Status.PUBLISHED)
        .update(status=Page.Status.PUBLISHED)
    )
    transaction.on_commit(public_content_changed)
    return changed


class HomePageRequired(Exception):
    """The site's address `/` would have no page: the message says what to do instead."""


def home_page_guard(*, leaving: QuerySet[Page]) -> None:
    """Refuse to let `leaving` pages go if no published case page would be left for `/`.

    `/` shows the first published case page; without one the site answers 404 at its own
    address, in every language.
    """
    remaining = (
        Page.objects.published().of_kind(Page.Kind.CASE).exclude(pk__in=leaving.values("pk"))
    )
    leaving_home = leaving.filter(status=Page.Status.PUBLISHED, kind=Page.Kind.CASE)
    if leaving_home.exists() and not remaining.exists():
        raise HomePageRequired(
            _(
                "This case page is the one shown at the site's address (/): it cannot be "
                "unpublished or deleted until another case page is published in its place."
            )
        )


def pages_unpublish(*, pages: QuerySet[Page]) -> int:
    """Take the given pages off the public site; return how many changed.

    Raise HomePageRequired, changing nothing, if `/` would be left without a page.
    """
    with transaction.atomic():
        home_page_guard(leaving=pages)
        changed = pages.exclude(status=Page.Status.DRAFT).update(status=Page.Status.DRAFT)
    transaction.on_commit(public_content_changed)
    return changed


def _initial_status(campaign: Campaign, kind: str) -> str:
    """Publish what is complete; the legal notice and the contact page wait for staff's data."""
    if kind == Page.Kind.LEGAL_NOTICE and not legal_notice_complete(campaign):
        return Page.Status.DRAFT
    if kind == Page.Kind.CONTACT and not campaign.contact_email:
        return Page.Status.DRAFT
    return Page.Status.PUBLISHED


def _field_values(entry: dict) -> dict:
    """Return an entry's column values, its rich text sanitised as the admin would."""
    values = translated_field_values(entry)
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
    campaign_values = _field_values(content.CAMPAIGN)
    campaign, campaign_created = Campaign.objects.get_or_create(
        slug=campaign_values.pop("slug"), defaults=campaign_values
    )

    calls_created = 0
    calls_by_kind = {}
    for entry in content.CALLS_TO_ACTION:
        values = _field_values(entry)
        call, created = CallToAction.objects.get_or_create(
            campaign=campaign, kind=values.pop("kind"), defaults=values
        )
        calls_by_kind[call.kind] = call
        calls_created += created

    pages_created = 0
    for page_entry in content.PAGES:
        values = _field_values(page_entry)
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

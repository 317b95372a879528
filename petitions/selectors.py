"""Reads for the public pages and the admin: counts, progress, recent signers."""

import contextlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django_countries import countries
from redis.exceptions import RedisError

from petitions.models import Petition, Signature

logger = logging.getLogger(__name__)

# What the cache raises when Redis is down: pages then fall back on what the database holds.
CACHE_ERRORS = (RedisError, OSError)
RECENT_SIGNERS_SECONDS = 15


@dataclass(frozen=True)
class PetitionProgress:
    count: int
    goal: int

    @property
    def percent(self) -> int:
        return min(100, self.count * 100 // self.goal) if self.goal else 100


@dataclass(frozen=True)
class RecentSigner:
    first_name: str
    country_name: str


def petition_count_cache_key(petition_id: int) -> str:
    return f"petitions:count:{petition_id}"


def signers_recent_cache_key(petition_id: int) -> str:
    return f"petitions:recent:{petition_id}"


def petition_open_for_campaign(*, campaign) -> Petition | None:
    """Return the petition the campaign's pages invite people to sign, if one is open."""
    if not campaign:
        return None
    return Petition.objects.open_for_signing().filter(campaign=campaign).order_by("pk").first()


def petition_public_by_slug(*, slug: str) -> Petition | None:
    return (
        Petition.objects.public()
        .select_related("campaign")
        .prefetch_related("targets")
        .filter(slug=slug)
        .first()
    )


def petition_signature_count(*, petition: Petition) -> int:
    """Return the confirmed count without counting rows on each page view.

    The cache holds the number (moved by each confirmation, reset by the reconciliation); the
    rows are counted only when the cache has nothing, and the last reconciled number is used
    when Redis is down.
    """
    key = petition_count_cache_key(petition.pk)
    try:
        count = cache.get(key)
        if count is None:
            count = Signature.objects.confirmed().filter(petition=petition).count()
            cache.add(key, count, timeout=None)
        return int(count)
    except CACHE_ERRORS:
        logger.warning("Count read from the database: the cache is unreachable.", exc_info=True)
        return petition.confirmed_count


def petition_progress(*, petition: Petition) -> PetitionProgress:
    count = petition_signature_count(petition=petition)
    return PetitionProgress(count=count, goal=petition.goal_for(count))


def signers_recent(*, petition: Petition, limit: int = 8) -> list[RecentSigner]:
    """Return the latest confirmed signers who asked to be shown: first name and country only."""
    key = signers_recent_cache_key(petition.pk)
    try:
        rows = cache.get(key)
    except CACHE_ERRORS:
        rows = None
    if rows is None:
        rows = list(
            Signature.objects.confirmed()
            .filter(petition=petition, show_first_name=True)
            .order_by("-confirmed_at")
            .values_list("first_name", "country")[:limit]
        )
        with contextlib.suppress(CACHE_ERRORS):
            cache.set(key, rows, timeout=RECENT_SIGNERS_SECONDS)
    return [
        RecentSigner(first_name=first_name, country_name=str(countries.name(code)))
        for first_name, code in rows
    ]


def petitions_with_status_counts(queryset: QuerySet[Petition]) -> QuerySet[Petition]:
    """Annotate each petition with its number of signatures in every status (for staff)."""
    return queryset.annotate(
        **{
            f"{status}_signatures": Count("signatures", filter=Q(signatures__status=status))
            for status in Signature.Status.values
        }
    )

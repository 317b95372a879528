"""The latest signers who asked to be shown: first name and country, nothing else."""

import contextlib
import logging
from dataclasses import dataclass

from django.core.cache import cache
from django_countries import countries

from core.public_cache import cache_errors
from petitions.models import Petition, Signature

logger = logging.getLogger(__name__)

RECENT_SIGNERS_SECONDS = 15


@dataclass(frozen=True)
class RecentSigner:
    first_name: str
    country_name: str


def signers_recent_cache_key(petition_id: int) -> str:
    return f"petitions:recent:{petition_id}"


def signers_recent(*, petition: Petition, limit: int = 8) -> list[RecentSigner]:
    """Return the latest confirmed signers who asked to be shown: first name and country only."""
    key = signers_recent_cache_key(petition.pk)
    try:
        rows = cache.get(key)
    except cache_errors():
        rows = None
    if rows is None:
        rows = list(
            Signature.objects.confirmed()
            .shown_publicly()
            .filter(petition=petition)
            .order_by("-confirmed_at")
            .values_list("first_name", "country")[:limit]
        )
        with contextlib.suppress(*cache_errors()):
            cache.set(key, rows, timeout=RECENT_SIGNERS_SECONDS)
    return [
        RecentSigner(first_name=first_name, country_name=str(countries.name(code)))
        for first_name, code in rows
    ]


def signers_recent_forget(*, petition_id: int) -> None:
    """Drop the cached list, so that a withdrawn or erased signer is never shown again."""
    try:
        cache.delete(signers_recent_cache_key(petition_id))
    except cache_errors():
        logger.warning("Recent signers not refreshed: the cache is unreachable.", exc_info=True)

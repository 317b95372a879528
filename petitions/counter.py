"""The signature counter: the number every page shows, read, moved and reconciled here.

The shared cache holds each petition's confirmed count, moved by one on each confirmation or
withdrawal, so that no page view counts rows. Beat reconciles it with the true count every
half minute and writes that into `Petition.confirmed_count`, which pages show while Redis is
down. Nothing else writes either number.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from core.public_cache import cache_errors
from petitions.models import Petition, Signature

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PetitionProgress:
    count: int
    goal: int

    @property
    def percent(self) -> int:
        return min(100, self.count * 100 // self.goal) if self.goal else 100


def petition_count_cache_key(petition_id: int) -> str:
    return f"petitions:count:{petition_id}"


def petition_signature_count(*, petition: Petition) -> int:
    """Return the confirmed count without counting rows on each page view.

    The rows are counted only when the cache has nothing, and the last reconciled number is
    used when Redis is down.
    """
    key = petition_count_cache_key(petition.pk)
    try:
        count = cache.get(key)
        if count is None:
            count = Signature.objects.confirmed().filter(petition=petition).count()
            cache.add(key, count, timeout=None)
        return int(count)
    except cache_errors():
        logger.warning("Count read from the database: the cache is unreachable.", exc_info=True)
        return petition.confirmed_count


def petition_progress(*, petition: Petition) -> PetitionProgress:
    count = petition_signature_count(petition=petition)
    return PetitionProgress(count=count, goal=petition.goal_for(count))


def petition_count_add(*, petition_id: int, delta: int) -> None:
    """Move the cached count; when nothing is cached the next read counts afresh."""
    try:
        cache.incr(petition_count_cache_key(petition_id), delta)
    except ValueError:
        pass
    except cache_errors():
        logger.warning("Counter not moved: the cache is unreachable.", exc_info=True)


def petition_count_reconcile(*, petition_id: int) -> int:
    """Count the confirmed signatures and make the cached and stored counts say so."""
    count = Signature.objects.confirmed().filter(petition_id=petition_id).count()
    Petition.objects.filter(pk=petition_id).update(
        confirmed_count=count, confirmed_count_at=timezone.now()
    )
    try:
        cache.set(petition_count_cache_key(petition_id), count, timeout=None)
    except cache_errors():
        logger.warning("Count not cached: the cache is unreachable.", exc_info=True)
    return count


def petition_counts_reconcile() -> int:
    """Reconcile every petition still taking or lately taking signatures; return how many."""
    recently = timezone.now() - timedelta(days=7)
    petition_ids = Petition.objects.filter(
        Q(status=Petition.Status.OPEN) | Q(updated_at__gte=recently)
    ).values_list("pk", flat=True)
    for petition_id in petition_ids:
        petition_count_reconcile(petition_id=petition_id)
    return len(petition_ids)

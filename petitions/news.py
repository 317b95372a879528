"""Signers who asked for news: who they are, and how they stop.

A signer who ticks "keep me informed" keeps their address in `news_address`, encrypted with a
key of the running site (petitions/sealing.py). Stopping, by the link in an update, by a
bounce or by a complaint, forgets it at once: no later update can reach them.
"""

from django.db.models import QuerySet

from petitions.models import Petition, Signature


def news_subscribers(*, petition: Petition) -> QuerySet[Signature]:
    """Confirmed signers of `petition` who asked for news and have not stopped."""
    return (
        Signature.objects.confirmed()
        .not_erased()
        .filter(petition=petition, newsletter_opt_in=True, news_address__isnull=False)
    )


def signature_news_stop(*, signature_id: int) -> bool:
    """Stop news to a signer, forgetting the address kept for it; False if already stopped."""
    return bool(
        Signature.objects.filter(pk=signature_id, newsletter_opt_in=True).update(
            newsletter_opt_in=False, news_address=None
        )
    )

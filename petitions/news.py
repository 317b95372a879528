"""Signers who asked for news: who they are, and how they stop.

A signer who ticks "keep me informed" keeps their address in `news_address`, encrypted with a
key of the running site (petitions/sealing.py). Stopping, by the link in an update, by a
bounce or by a complaint, forgets it at once: no later update can reach them.
"""

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse

from petitions.models import Petition, Signature
from petitions.signature_links import news_stop_token_make, signature_for_news_stop


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


def news_stop_url(*, signature: Signature) -> str:
    """Return the link in every email to a signer who asked for news that stops them all.

    It names the signature, signed, and never expires. The same URL serves RFC 8058's
    one-click POST (`List-Unsubscribe-Post`) and a page that asks before stopping.
    """
    token = news_stop_token_make(signature=signature)
    return settings.SITE_URL + reverse("news_stop", kwargs={"token": token})


def news_stop_headers(*, stop_url: str) -> dict[str, str]:
    """Return the headers that let a mail client stop the news in one click (RFC 8058).

    `stop_url` is the link the email's text shows (news_stop_url), signed once: made again,
    its timestamp could differ by a second from the one in the text.
    """
    return {
        "List-Unsubscribe": f"<{stop_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def signer_news_stop(*, token: str) -> Signature:
    """Stop all news to the signer a link is for; doing it twice changes nothing.

    Raise SignatureLinkInvalid for an altered link, or a signature no longer there.
    """
    signature = signature_for_news_stop(token=token)
    signature_news_stop(signature_id=signature.pk)
    signature.newsletter_opt_in, signature.news_address = False, None
    return signature

"""The access trail: who touched signature data or staff accounts, when, and how much.

Append-only: entries are never changed, and PostgreSQL refuses any DELETE but the nightly
purge of entries past ACCESS_TRAIL_RETENTION_DAYS. Entries keep a keyed fingerprint of the
client's address, never the address, and of the words staff searched for, never the words: an
append-only table that kept "Tursun" or an address would keep, past any erasure, who was looked
for. An auditor who suspects a search checks it with `search_fingerprint`.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from core.actors import Actor
from core.client_address import address_fingerprint, client_ip
from core.keyed_hashes import keyed_hash
from staff.models import AccessEvent


def ip_hmac(ip: str) -> str:
    """Return the trail's fingerprint of an IP address: comparable, never the address."""
    return address_fingerprint(ip, key=settings.ACCESS_TRAIL_KEY)


def search_fingerprint(term: str) -> str:
    """Return the trail's fingerprint of a search: the same for any spacing or letter case."""
    words = " ".join(term.casefold().split())
    return keyed_hash(words, key=settings.ACCESS_TRAIL_KEY, purpose="trail-search")


def request_ip_hmac(request: HttpRequest) -> str:
    """Return the trail's fingerprint of the address a request came from."""
    return ip_hmac(client_ip(request))


def access_event_record(
    *,
    actor: Actor,
    action: AccessEvent.Action,
    target: str = "",
    note: AccessEvent.Note | None = None,
    query: dict[str, Any] | None = None,
    row_count: int | None = None,
    ip_hmac: str = "",
) -> AccessEvent:
    """Append one entry to the access trail (actor None: the system or an unknown account).

    `target` names what was touched without words of any language (a model's label and
    number, a username, a date); `note` says what was done to it, worded when the trail is
    read (staff/trail_targets.py).
    """
    if actor is not None and not actor.is_authenticated:
        actor = None
    return AccessEvent.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        action=action,
        target=target[:255],
        note=note or "",
        query=query or {},
        row_count=row_count,
        ip_hmac=ip_hmac,
    )


def access_events_purge_expired(*, now: datetime | None = None) -> int:
    """Delete the trail entries older than ACCESS_TRAIL_RETENTION_DAYS; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCESS_TRAIL_RETENTION_DAYS)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The table's trigger refuses every DELETE but those of this transaction.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL mamat.access_trail_purge = 'on'")
        deleted, _by_model = AccessEvent.objects.older_than(cutoff).delete()
    if deleted:
        access_event_record(
            actor=None,
            action=AccessEvent.Action.TRAIL_PURGED,
            target=f"{cutoff:%Y-%m-%d}",
            note=AccessEvent.Note.PURGED_BEFORE,
            row_count=deleted,
        )
    return deleted

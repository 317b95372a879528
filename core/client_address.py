"""The client's address behind trusted proxies, and the keyed fingerprint kept in its place.

No raw address is ever stored: whatever needs to tell two clients apart (rate limits, the
access trail, lockouts) keeps `address_fingerprint(...)` under a key of its own purpose, so
that fingerprints made for one purpose cannot be matched with those of another.
"""

from django.conf import settings
from django.http import HttpRequest

from core.keyed_hashes import keyed_hash


def client_ip(request: HttpRequest) -> str:
    """Return the address that reached our first trusted proxy (or us, without one).

    TRUSTED_PROXY_COUNT says how many proxies in front append to X-Forwarded-For.
    """
    trusted_proxy_count = settings.TRUSTED_PROXY_COUNT
    if trusted_proxy_count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Each trusted proxy appends one address; anything left of those the client could forge.
        if len(forwarded) >= trusted_proxy_count:
            return forwarded[-trusted_proxy_count]
    return str(request.META.get("REMOTE_ADDR", ""))


def address_fingerprint(address: str, *, key: bytes | str) -> str:
    """Return a keyed hash of `address`: comparable, never the address itself."""
    if not address:
        return ""
    return keyed_hash(address, key=key, purpose="client-address")

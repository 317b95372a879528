"""The client's address behind trusted proxies, and the keyed fingerprint kept in its place.

No raw address is ever stored: whatever needs to tell two clients apart (rate limits, the
access trail, lockouts) keeps `address_fingerprint(...)` under a key of its own purpose, so
that fingerprints made for one purpose cannot be matched with those of another.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from core.keyed_hashes import keyed_hash

# IPv6 gives each home and each phone a /64 of its own, and one client may take any of its 2^64
# addresses: the network tells clients apart there, as the address does in IPv4.
IPV6_CLIENT_PREFIX = 64


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


def client_network(address: str) -> str:
    """Return what stands for one client: an IPv4 address, or the /64 of an IPv6 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)


def address_fingerprint(address: str, *, key: bytes | str) -> str:
    """Return a keyed hash of the client's network: comparable, never the address itself.

    A bot that moves through the addresses of its IPv6 network keeps one fingerprint.
    """
    if not address:
        return ""
    return keyed_hash(client_network(address), key=key, purpose="client-address")

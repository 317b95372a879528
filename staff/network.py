"""The client's address, reduced to a keyed fingerprint before anything keeps it."""

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest
from django.utils.crypto import salted_hmac


def client_ip(request: HttpRequest, *, trusted_proxy_count: int) -> str:
    """Return the address that reached our first trusted proxy (or us, without one)."""
    if trusted_proxy_count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        # Each trusted proxy appends one address; anything left of those the client could forge.
        if len(forwarded) >= trusted_proxy_count:
            return forwarded[-trusted_proxy_count]
    return request.META.get("REMOTE_ADDR", "")


def ip_hmac(ip: str) -> str:
    """Return the HMAC of an IP address: comparable, but never the address itself."""
    if not ip:
        return ""
    key = settings.ACCESS_TRAIL_IP_HMAC_KEY
    if key:
        return hmac.new(key.encode(), ip.encode(), hashlib.sha256).hexdigest()
    return salted_hmac("staff.access-trail.ip", ip, algorithm="sha256").hexdigest()


def request_ip_hmac(request: HttpRequest) -> str:
    return ip_hmac(client_ip(request, trusted_proxy_count=settings.STAFF_TRUSTED_PROXY_COUNT))

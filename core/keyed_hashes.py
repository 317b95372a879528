"""Keyed hashes: what the site keeps instead of an address, a name or a mailbox.

Each purpose has a key of its own (config/settings/keys.py), and the purpose is hashed in too,
so that a hash made for one purpose never matches one made for another.
"""

import hashlib
import hmac

from django.core.exceptions import ImproperlyConfigured


def keyed_hash(value: str, *, key: str | bytes, purpose: str) -> str:
    """Return HMAC-SHA256 of `value` for `purpose` under `key`, in hex."""
    if not key:
        raise ImproperlyConfigured(f"No key is set for {purpose} (config/settings/keys.py).")
    raw_key = key.encode() if isinstance(key, str) else key
    return hmac.new(raw_key, f"{purpose}\n{value}".encode(), hashlib.sha256).hexdigest()

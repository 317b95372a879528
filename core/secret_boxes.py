"""Values the site must read again, encrypted with a key that is not in the database.

What sealing (core/sealing.py) cannot cover because the server itself needs it later, such
as the address of a signer who asked for news, is kept in a secret box (NaCl's secretbox:
XSalsa20-Poly1305 with a random nonce) under a key from the environment. A copy of the
database or of a backup holds only ciphertext; the running server, which has the key, reads it.
"""

from django.core.exceptions import ImproperlyConfigured
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b
from nacl.secret import SecretBox


class SecretBoxUnreadable(ValueError):
    """A box does not open with the key given: another key, or a damaged value."""


def _box(key: str, *, purpose: str) -> SecretBox:
    if not key:
        raise ImproperlyConfigured(f"No key is set for {purpose} (config/settings/keys.py).")
    derived = blake2b(
        key.encode(),
        digest_size=SecretBox.KEY_SIZE,
        person=purpose.encode()[:16],
        encoder=RawEncoder,
    )
    return SecretBox(derived)


def box_close(text: str, *, key: str, purpose: str) -> bytes:
    """Return `text` encrypted under `key` for `purpose`."""
    return bytes(_box(key, purpose=purpose).encrypt(text.encode()))


def box_open(blob: bytes, *, key: str, purpose: str) -> str:
    """Return the text in `blob`; raise SecretBoxUnreadable if it does not open."""
    try:
        return _box(key, purpose=purpose).decrypt(bytes(blob)).decode()
    except CryptoError as error:
        raise SecretBoxUnreadable(purpose) from error

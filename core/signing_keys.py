"""Ed25519 keys that sign what the site publishes, so that anyone can check it was not rewritten.

The private half (a 32-byte seed, base64) is in the server's environment; the public half is
printed beside what it signs. Unlike sealing (core/sealing.py) this protects no secret: it
proves that a published record comes from the site and was not altered since.
"""

import base64
import binascii

from nacl.signing import SigningKey


class SigningKeyInvalid(ValueError):
    """The text given is not a base64 Ed25519 seed of 32 bytes."""


def signing_key_load(text: str) -> SigningKey:
    """Return the signing key a base64 seed stands for."""
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SigningKeyInvalid("not base64") from error
    if len(raw) != 32:
        raise SigningKeyInvalid(f"{len(raw)} bytes, not 32")
    return SigningKey(raw)


def verify_key_text(key: SigningKey) -> str:
    """Return the public half of `key` as base64 text, as it is published."""
    return base64.b64encode(bytes(key.verify_key)).decode("ascii")


def signing_key_generate() -> str:
    """Return a new signing key's seed as base64 text."""
    return base64.b64encode(bytes(SigningKey.generate())).decode("ascii")

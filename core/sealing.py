"""Sealing signers' personal data to the data officers' public key, so the server cannot read it.

The site holds only a Curve25519 public key (SEALING_PUBLIC_KEY); its private half stays offline
with the data officers. Each process draws an ephemeral key pair of its own, uses it for an
hour at most, and forgets it: what it sealed is NaCl's crypto_box (X25519, XSalsa20-Poly1305)
from that ephemeral key to the officers' key, with a random nonce per record. A blob is

    version (1 byte) · ephemeral public key (32) · nonce (24) · ciphertext with its MAC

so that opening a million records costs one key agreement per ephemeral key, not per record,
while a copy of the database, a backup or this server's disk gives nothing to open them with.
"""

import base64
import binascii
import json
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from nacl.exceptions import CryptoError
from nacl.public import Box, PrivateKey, PublicKey

SEAL_VERSION = b"\x01"
EPHEMERAL_SECONDS = 3600
_HEADER = len(SEAL_VERSION) + PublicKey.SIZE


class SealingKeyInvalid(ValueError):
    """The text given is not a key, or not the private half of the site's public key."""

    # What a data officer is told: never a word of what they gave, which may hold keys.
    refusal = _("This is not the data officers' private key: it does not open the signers' data.")


class SealingKeyIsPublic(SealingKeyInvalid):
    """The text given is the site's public key (or a retired one), not its private half."""

    refusal = _(
        "This is the public key, the one in the site's settings. The data officers keep its "
        "private half apart: give that one."
    )


class KeysFileHoldsNoPrivateKey(SealingKeyInvalid):
    """A JSON file of keys without the data officers' private key (SEALING_PRIVATE_KEY)."""

    refusal = _(
        "This file of keys holds no SEALING_PRIVATE_KEY entry, so not the data officers' "
        "private key. Give the file that holds it, or the key alone."
    )


class SealedDataUnreadable(ValueError):
    """A sealed record does not open with the key given."""


def key_encode(key: PublicKey | PrivateKey) -> str:
    return base64.b64encode(bytes(key)).decode("ascii")


def sealing_keys_generate() -> tuple[str, str]:
    """Return a new (public, private) key pair, each as base64 text."""
    private_key = PrivateKey.generate()
    return key_encode(private_key.public_key), key_encode(private_key)


def _key_bytes(text: str) -> bytes:
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SealingKeyInvalid("not base64") from error
    if len(raw) != PrivateKey.SIZE:
        raise SealingKeyInvalid(f"{len(raw)} bytes, not {PrivateKey.SIZE}")
    return raw


def sealing_public_key() -> PublicKey:
    """Return the data officers' public key from SEALING_PUBLIC_KEY."""
    if not settings.SEALING_PUBLIC_KEY:
        raise SealingKeyInvalid("SEALING_PUBLIC_KEY is not set")
    return PublicKey(_key_bytes(settings.SEALING_PUBLIC_KEY))


def _known_public_keys() -> set[bytes]:
    """The public key the site seals to now and those it sealed to before a rotation."""
    retired = settings.SEALING_RETIRED_PUBLIC_KEYS
    return {bytes(sealing_public_key())} | {_key_bytes(key) for key in retired}


def private_key_parse(text: str) -> PrivateKey:
    """Return the private key typed or uploaded by a data officer, checked against the site's.

    The private half of SEALING_PUBLIC_KEY, or of a key in SEALING_RETIRED_PUBLIC_KEYS: after
    a rotation, records sealed before open only with the key in use then.
    Raise SealingKeyInvalid if it is not a key, or not one the site has sealed to;
    SealingKeyIsPublic if it is the public key itself, which officers may paste by mistake.
    """
    raw = _key_bytes(text)
    if raw in _known_public_keys():
        raise SealingKeyIsPublic("the public key, not its private half")
    private_key = PrivateKey(raw)
    if bytes(private_key.public_key) not in _known_public_keys():
        raise SealingKeyInvalid("not the private half of a key the site seals or sealed to")
    return private_key


def private_key_or_keys_file_parse(text: str) -> PrivateKey:
    """Return the private key a data officer gave, alone or as the SEALING_PRIVATE_KEY entry
    of a JSON file of keys (`manage.py development_keys` writes one), checked as
    private_key_parse checks it.

    Raise KeysFileHoldsNoPrivateKey for a file of keys without that entry.
    """
    if not text.lstrip().startswith("{"):
        return private_key_parse(text)
    try:
        keys = json.loads(text)
    except ValueError:
        return private_key_parse(text)  # not JSON after all: refused as no key
    private_key = keys.get("SEALING_PRIVATE_KEY") if isinstance(keys, dict) else None
    if not isinstance(private_key, str) or not private_key.strip():
        raise KeysFileHoldsNoPrivateKey("no SEALING_PRIVATE_KEY entry")
    return private_key_parse(private_key)


@dataclass
class _Ephemeral:
    box: Box
    public: bytes
    public_key: bytes
    pid: int
    ends: float


_local = threading.local()


def _ephemeral() -> _Ephemeral:
    """Return this process's current ephemeral box, drawing a new one when it is old."""
    current: _Ephemeral | None = getattr(_local, "ephemeral", None)
    officers = bytes(sealing_public_key())
    if (
        current is None
        or current.pid != os.getpid()  # a forked worker draws its own
        or current.ends < time.monotonic()
        or current.public_key != officers
    ):
        ephemeral_key = PrivateKey.generate()
        current = _Ephemeral(
            box=Box(ephemeral_key, PublicKey(officers)),
            public=bytes(ephemeral_key.public_key),
            public_key=officers,
            pid=os.getpid(),
            ends=time.monotonic() + EPHEMERAL_SECONDS,
        )
        _local.ephemeral = current
    return current


def seal(data: dict[str, str]) -> bytes:
    """Return `data` sealed to the data officers' key: only their private key opens it."""
    ephemeral = _ephemeral()
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return SEAL_VERSION + ephemeral.public + bytes(ephemeral.box.encrypt(payload))


class Unsealer:
    """Open sealed records with the officers' private key, one key agreement per ephemeral key."""

    def __init__(self, private_key: PrivateKey) -> None:
        self.private_key = private_key
        self._boxes: dict[bytes, Box] = {}

    def unseal(self, blob: bytes) -> dict[str, str]:
        blob = bytes(blob)
        if not blob.startswith(SEAL_VERSION) or len(blob) <= _HEADER:
            raise SealedDataUnreadable("not a sealed record")
        ephemeral = blob[len(SEAL_VERSION) : _HEADER]
        box = self._boxes.get(ephemeral)
        if box is None:
            box = self._boxes[ephemeral] = Box(self.private_key, PublicKey(ephemeral))
        try:
            return json.loads(box.decrypt(blob[_HEADER:]))
        except CryptoError as error:
            raise SealedDataUnreadable("this key does not open it") from error

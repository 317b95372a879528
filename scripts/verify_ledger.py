#!/usr/bin/env python3
"""Verify a petition's public ledger, downloaded as JSON from the site, on your own machine.

    pip install pynacl
    python3 verify_ledger.py ledger.json --public-key KEY [--archived OLDER.json]

KEY is the ledger's public key (base64) as published on the ledger page: take it from a copy
you trust (an archive, a printed article), not only from the file you are checking. The script
checks that every entry is signed by that key, that each entry's SHA-256 is that of its
content, that each names the hash of the one before (a chain: changing any past entry breaks
every later one), and, with --archived, that an older copy of the ledger is the start of this
one: an older copy that disagrees proves a rewrite. It prints the first entry that fails and
exits 1, or prints "verified" and exits 0.

It needs Python 3.9+ and PyNaCl only. The site's own `manage.py ledger_verify` runs this code.
"""

import argparse
import base64
import binascii
import hashlib
import json
import sys

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

LEDGER_FORMAT = "free-mamat-ledger/1"


class LedgerEntryBad(Exception):
    """An entry of the ledger fails a check; `sequence` names it."""

    def __init__(self, sequence: int, problem: str) -> None:
        super().__init__(f"entry {sequence}: {problem}")
        self.sequence = sequence
        self.problem = problem


def _signature_valid(public_key: str, body: str, signature: str) -> bool:
    try:
        VerifyKey(base64.b64decode(public_key, validate=True)).verify(
            body.encode("utf-8"), base64.b64decode(signature, validate=True)
        )
    except (BadSignatureError, binascii.Error, ValueError, TypeError):
        return False
    return True


def entry_check(entry: dict, *, position: int, previous_hash: str, trusted_keys: set) -> dict:
    """Return an entry's content once every check passed; raise LedgerEntryBad otherwise."""
    sequence = entry.get("sequence", position)
    body_text = entry.get("body")
    if not isinstance(body_text, str):
        raise LedgerEntryBad(sequence, "it has no signed content")
    body = json.loads(body_text)
    if body.get("format") != LEDGER_FORMAT:
        raise LedgerEntryBad(sequence, f"unknown format {body.get('format')!r}")
    if sequence != position or body.get("sequence") != position:
        raise LedgerEntryBad(sequence, f"out of place: expected entry {position}")
    if hashlib.sha256(body_text.encode("utf-8")).hexdigest() != entry.get("hash"):
        raise LedgerEntryBad(sequence, "its SHA-256 is not that of its content (altered)")
    if body.get("previous_hash") != previous_hash:
        raise LedgerEntryBad(sequence, "it does not follow the entry before it (chain broken)")
    if body.get("public_key") not in trusted_keys:
        raise LedgerEntryBad(sequence, "it is signed with a key you did not trust")
    if not _signature_valid(body["public_key"], body_text, entry.get("signature", "")):
        raise LedgerEntryBad(sequence, "its signature is not valid (altered or forged)")
    return body


def ledger_check(document: dict, *, trusted_keys: set) -> list:
    """Return the contents of a ledger's entries, oldest first; raise LedgerEntryBad on the first
    entry that fails."""
    previous_hash = ""
    contents = []
    for position, entry in enumerate(document.get("entries", []), start=1):
        body = entry_check(
            entry, position=position, previous_hash=previous_hash, trusted_keys=trusted_keys
        )
        if body.get("petition") != document.get("petition"):
            raise LedgerEntryBad(position, "it belongs to another petition's ledger")
        previous_hash = entry["hash"]
        contents.append(body)
    return contents


def archive_check(document: dict, archived: dict) -> None:
    """Raise LedgerEntryBad on the first entry of an older copy that today's ledger rewrote."""
    entries = document.get("entries", [])
    for position, old in enumerate(archived.get("entries", []), start=1):
        if position > len(entries):
            raise LedgerEntryBad(position, "the archived copy has it; today's ledger lost it")
        if entries[position - 1].get("hash") != old.get("hash"):
            raise LedgerEntryBad(position, "today's ledger differs from the archived copy")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Verify a petition's ledger (JSON).")
    parser.add_argument("ledger", help="the ledger's JSON, as downloaded")
    parser.add_argument(
        "--public-key",
        action="append",
        help="a public key to trust (base64); repeat for a key used before a rotation. "
        "Without it, the keys the file itself names are trusted, which proves less.",
    )
    parser.add_argument("--archived", help="an older copy of the same ledger, to compare")
    arguments = parser.parse_args(argv)
    with open(arguments.ledger, encoding="utf-8") as file:
        document = json.load(file)
    trusted = set(arguments.public_key or document.get("public_keys", []))
    if not arguments.public_key:
        print("warning: trusting the keys named in the file itself; pass --public-key")
    try:
        contents = ledger_check(document, trusted_keys=trusted)
        if arguments.archived:
            with open(arguments.archived, encoding="utf-8") as file:
                archive_check(document, json.load(file))
    except LedgerEntryBad as error:
        print(f"NOT VERIFIED: {error}")
        return 1
    last = contents[-1] if contents else {}
    print(
        f"verified: {len(contents)} entries of {document.get('petition')}; latest "
        f"{last.get('recorded_at', '-')}: {last.get('confirmed_total', 0)} confirmed, "
        f"{last.get('invalidated_total', 0)} invalidated"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Someone hostile copies the database, the site's files and its cache: whom does the copy name?

Only the signers who chose to be named somewhere, and only by what they chose: the first name
of a signer shown among the latest signers, the name of a signer named to the authorities.
Every address, and everyone else's name, postcode, comment and IP address, are sealed to the
data officers' key, encrypted with a key the copy lacks (the address of a signer who asked for
news) or gone; the officers get them all back with their key, and only with it.
"""

import subprocess

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from core.rotating_keys import daily_keys_forget
from petitions.sealing import reminder_address_open
from tests import stolen_copy
from tests.stolen_copy import PERSONAS, READABLE_BY_THE_SITE, READABLE_IN_A_COPY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def campaign(settings, tmp_path):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    settings.EXPORT_FILES_ROOT = tmp_path / "exports"
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "erasure-journal"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The day's key as the site's processes share it, drawn into this test's cache.
    daily_keys_forget()
    return stolen_copy.campaign_live()


def _database_dump() -> bytes:
    """Return what `pg_dump` of the site's database gives: what a backup holds."""
    database = connection.settings_dict
    return subprocess.run(
        [
            "pg_dump",
            "--data-only",
            f"--host={database['HOST'] or '127.0.0.1'}",
            f"--port={database['PORT'] or 5432}",
            f"--username={database['USER']}",
            database["NAME"],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout


def _cache_contents() -> bytes:
    """Return every value in the site's Redis cache, as a copy of Redis would hold it."""
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    values = []
    for key in client.scan_iter():
        if client.type(key) == b"string":
            values.append(key + b"=" + client.get(key))
    return b"\n".join(values)


def test_a_stolen_database_names_only_what_signers_chose_to_make_readable(campaign):
    dump = _database_dump()

    found = stolen_copy.names_in(dump)

    # The scan finds what is there: each choice keeps exactly what it says, no more, and no
    # signer's address is in it, not even of those who asked for news.
    assert found == READABLE_IN_A_COPY
    assert b"203.0.113." not in dump


def test_the_database_and_the_cache_together_cannot_test_an_ip_address(campaign):
    from core.client_address import address_fingerprint
    from petitions.models import Signature

    # The day's key as the copy holds it: what the cache stores, read back as Redis has it.
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    drawn = [cache.get(key.decode().split(":", 2)[2]) for key in client.scan_iter("*daily-key*")]
    fingerprints = set(Signature.objects.exclude(ip_hash="").values_list("ip_hash", flat=True))
    assert drawn and fingerprints

    # Every address of the range the signers came from, tried with it, matches none of them.
    tried = {address_fingerprint(f"203.0.113.{n}", key=key) for key in drawn for n in range(256)}
    assert not fingerprints & tried


def test_the_sites_files_and_cache_name_only_those_named_to_the_authorities(campaign):
    files = stolen_copy.files_written()
    assert any(path.name.endswith(".csv") for path in files)  # a delivery was written
    # ... and the erasure journal, which a restore of the database does not touch
    assert any(path.is_relative_to(settings.ERASURE_JOURNAL_ROOT) for path in files)

    in_files = stolen_copy.names_in(b"\n".join(path.read_bytes() for path in files))
    in_cache = stolen_copy.names_in(_cache_contents())

    # The delivery names the signer who chose it; the withdrawn and erased signers, named
    # in the same delivery, were struck out of its file when they left.
    assert in_files == {"named": {"first name", "last name"}}
    assert set(in_cache) <= {"shown"} and in_cache.get("shown", {"first name"}) == {"first name"}


def test_a_pending_signer_is_sealed_once_their_email_has_gone(campaign):
    pending = stolen_copy.pending_signature()

    assert pending.confirmation_sent_at is not None
    assert (pending.email, pending.first_name, pending.last_name) == ("", "", "")
    assert pending.sealed_data is not None
    # Only the running site, with REMINDER_ADDRESS_KEY, reads the copy kept for the reminder.
    persona = next(persona for persona in PERSONAS if persona.key == "pending")
    assert persona.email.encode() not in bytes(pending.reminder_address)
    assert reminder_address_open(pending.reminder_address) == persona.email


def test_with_their_key_the_data_officers_get_every_remaining_signer_back_whole(campaign):
    by_address = stolen_copy.signer_rows(campaign)
    gone = {"withdrawn", "erased"}

    assert set(by_address) == {p.email for p in PERSONAS if p.key not in gone}
    for persona in PERSONAS:
        if persona.key in gone:
            continue
        row = by_address[persona.email]
        assert persona.first_name in row.values() and persona.last_name in row.values()
        assert persona.postcode in row.values() and persona.comment in row.values()
        assert persona.ip not in row.values()  # never kept, so never exported either


def test_without_the_key_an_export_holds_only_what_stays_readable(campaign):
    exported = b"\n".join(",".join(row).encode() for row in campaign.exported_without_key)

    assert stolen_copy.names_in(exported) == READABLE_BY_THE_SITE


def test_the_wrong_key_is_refused_clearly_and_loses_nothing(campaign):
    assert "pas la clé privée des responsables des données" in campaign.wrong_key_page.replace(
        "&#x27;", "'"
    )
    # The right key, after the wrong one, still opens every record.
    assert len(stolen_copy.signer_rows(campaign)) == len(PERSONAS) - 2

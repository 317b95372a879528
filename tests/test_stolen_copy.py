"""Someone hostile copies the database, the site's files, its cache, the broker's queue and the
logs: whom does the copy name?

Only the signers who chose to be named somewhere, and only by what they chose: the first name
of a signer shown among the latest signers, the name of a signer named to the authorities;
and, until their mail server takes their confirmation email, what a signer typed (nothing can
be sealed before the email that needs the address has gone). Every other address, and
everyone else's name, postcode, comment and IP address, are sealed to the data officers' key,
encrypted with a key the copy lacks (the address of a signer who asked for news, or asked for
fresh withdrawal links) or gone; the officers get them all back with their key, and only with
it. No copy holds a raw IP address, the token of an emailed link, or the address of someone
who typed it into the site's forms without having signed.
"""

import base64
import logging
import re
import subprocess

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.rotating_keys import daily_keys_forget
from petitions.models import WithdrawalLinkRequest
from petitions.sealing import reminder_address_open
from tests import stolen_copy
from tests.celery_worker import BROKER_URL
from tests.stolen_copy import (
    AWAITING_THEIR_EMAIL,
    PERSONAS,
    READABLE_BY_THE_SITE,
    READABLE_IN_A_COPY,
    STRANGER_EMAIL,
    LogRecords,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logs():
    """Every log record of the campaign's life, at every level, whatever its handlers keep."""
    records = LogRecords()
    root = logging.getLogger()
    level = root.level
    root.addHandler(records)
    root.setLevel(logging.DEBUG)
    yield records
    root.removeHandler(records)
    root.setLevel(level)


@pytest.fixture
def campaign(settings, tmp_path, logs):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    settings.EXPORT_FILES_ROOT = tmp_path / "exports"
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "erasure-journal"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The day's key as the site's processes share it, drawn into this test's cache.
    daily_keys_forget()
    return stolen_copy.campaign_live()


def _database_dump(*tables: str) -> bytes:
    """Return what `pg_dump` of the site's database gives (of `tables` alone, if named): what
    a backup holds."""
    database = connection.settings_dict
    return subprocess.run(
        [
            "pg_dump",
            "--data-only",
            *(f"--table={table}" for table in tables),
            f"--host={database['HOST'] or '127.0.0.1'}",
            f"--port={database['PORT'] or 5432}",
            f"--username={database['USER']}",
            database["NAME"],
        ],
        check=True,
        capture_output=True,
        timeout=120,
    ).stdout


def _table_dump(model) -> bytes:
    """Return `pg_dump` of one model's table, its binary columns read as a thief reads them:
    pg_dump writes them in hexadecimal (\\x7365...), which hides nothing."""
    dump = _database_dump(model._meta.db_table)
    decoded = [
        bytes.fromhex(hexadecimal.decode()) for hexadecimal in re.findall(rb"\\x([0-9a-f]+)", dump)
    ]
    return b"\n".join([dump, *decoded])


def _cache_contents() -> bytes:
    """Return every key and value in the site's Redis cache, as a copy of Redis would hold it."""
    client = cache._cache.get_client()  # type: ignore[attr-defined]
    values = []
    for key in client.scan_iter():
        kind = client.type(key)
        if kind == b"string":
            held = [client.get(key)]
        elif kind == b"hash":
            held = [item for pair in client.hgetall(key).items() for item in pair]
        elif kind == b"list":
            held = client.lrange(key, 0, -1)
        elif kind == b"set":
            held = list(client.smembers(key))
        elif kind == b"zset":
            held = client.zrange(key, 0, -1)
        else:
            held = [client.dump(key) or b""]
        values.append(key + b"=" + b" ".join(held))
    return b"\n".join(values)


def test_a_stolen_database_names_only_what_signers_chose_to_make_readable(campaign):
    dump = _database_dump()

    found = stolen_copy.names_in(dump)

    # The scan finds what is there: each choice keeps exactly what it says, no more, and no
    # signer's address is in it, not even of those who asked for news.
    assert found == READABLE_IN_A_COPY | AWAITING_THEIR_EMAIL
    assert b"203.0.113." not in dump
    # The servers' refusals are kept, as they said them but for the addresses they quoted:
    # to the confirmations (451, 550) and to what followed a mailbox's closing.
    for refusal in (b"Greylisted", b"no such user", b"mailbox closed"):
        assert refusal in dump


def test_the_withdrawal_links_still_owed_are_kept_naming_no_one(campaign):
    # The greylisted signer's server said "later" to the links they asked for: the request
    # waits in the database for the next attempt, with the address in a box the copy lacks
    # the key of; the stranger's, answered by nothing, is gone.
    waiting = list(WithdrawalLinkRequest.objects.all())
    dump = _table_dump(WithdrawalLinkRequest)

    assert len(waiting) == 1
    assert waiting[0].attempts == 1 and waiting[0].mailbox_hash.encode() in dump
    assert stolen_copy.names_in(dump) == {}
    assert stolen_copy.secrets_in(dump, tokens=set()) == set()


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

    assert stolen_copy.names_in(exported) == READABLE_BY_THE_SITE | AWAITING_THEIR_EMAIL


def test_the_wrong_key_is_refused_clearly_and_loses_nothing(campaign):
    assert "pas la clé privée des responsables des données" in campaign.wrong_key_page.replace(
        "&#x27;", "'"
    )
    # The right key, after the wrong one, still opens every record.
    assert len(stolen_copy.signer_rows(campaign)) == len(PERSONAS) - 2


def test_no_copy_holds_a_raw_ip_a_links_token_or_the_address_of_someone_who_never_signed(
    campaign, logs
):
    tokens = stolen_copy.emailed_tokens()
    assert len(tokens) >= len(PERSONAS)  # the links of every email the signers were sent

    copies = {
        "database": _database_dump(),
        "cache": _cache_contents(),
        "files": b"\n".join(path.read_bytes() for path in stolen_copy.files_written()),
        "logs": logs.text(),
    }

    assert {name: stolen_copy.secrets_in(copy, tokens=tokens) for name, copy in copies.items()} == {
        name: set() for name in copies
    }


def test_the_logs_at_every_level_name_no_signer(campaign, logs):
    levels = {record.levelno for record in logs.records}
    # The run was logged, down to its details, and the mail servers' "later" with it, quoting
    # the address it refused.
    assert {logging.DEBUG, logging.INFO, logging.WARNING} <= levels
    assert any("451 4.7.1 Greylisted" in record.getMessage() for record in logs.records)

    assert stolen_copy.names_in(logs.text()) == {}


@pytest.fixture
def queued(broker):
    """Tasks published to the test broker's Redis and left there, as no worker takes them."""
    import redis

    # The app's pools were made for the in-process broker: made again, they reach Redis. Not
    # by `broker.close()`, which also takes the app off Celery's list of live apps: the tasks
    # of a module imported after that would never be registered with it.
    broker._pool = broker.amqp._producer_pool = None
    yield redis.Redis.from_url(BROKER_URL)
    broker._pool = broker.amqp._producer_pool = None


def test_a_stolen_copy_of_the_brokers_queue_names_no_one_who_asked_for_links(queued, settings):
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 10
    signer = next(persona for persona in PERSONAS if persona.key == "plain")
    for address in (signer.email, STRANGER_EMAIL):
        asked = Client().post(
            reverse("petitions:withdrawal_links"), {"email": address}, REMOTE_ADDR=signer.ip
        )
        assert asked.status_code == 302

    messages = queued.lrange("celery", 0, -1)
    # Both requests wait in the queue, each message with its body as the worker would read it.
    assert len(messages) == 2
    bodies = [
        base64.b64decode(re.search(rb'"body": "([^"]*)"', message)[1]) for message in messages
    ]
    copy = b"\n".join(messages + bodies)

    assert stolen_copy.names_in(copy) == {}
    assert stolen_copy.secrets_in(copy, tokens=set()) == set()
    # What the requests left in the database, waiting for a worker, names no one either.
    assert WithdrawalLinkRequest.objects.count() == 2
    waiting = _table_dump(WithdrawalLinkRequest)
    assert stolen_copy.names_in(waiting) == {}
    assert stolen_copy.secrets_in(waiting, tokens=set()) == set()

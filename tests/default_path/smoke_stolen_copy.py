"""A copy of `make run`'s SQLite file names only what signers chose to make readable.

The same campaign's life as tests/test_stolen_copy.py runs on PostgreSQL, here on SQLite with
DEBUG on; then the database file, with its journal or WAL if any, is read as a thief would.
SQLite overwrites what it frees (secure_delete, config/settings/base.py), so a sealed or
erased value is not left behind in a free page.
"""

from pathlib import Path

import pytest
from django.db import connection

from tests import stolen_copy
from tests.stolen_copy import AWAITING_THEIR_EMAIL, READABLE_IN_A_COPY

pytestmark = pytest.mark.django_db(transaction=True)


def _database_files() -> bytes:
    database = Path(connection.settings_dict["NAME"])
    companions = [Path(f"{database}{suffix}") for suffix in ("", "-wal", "-journal", "-shm")]
    return b"".join(path.read_bytes() for path in companions if path.exists())


def test_a_stolen_sqlite_file_and_the_sites_files_name_only_what_signers_chose(settings):
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA secure_delete")
        assert cursor.fetchone()[0] == 1

    run = stolen_copy.campaign_live()

    assert stolen_copy.names_in(_database_files()) == READABLE_IN_A_COPY | AWAITING_THEIR_EMAIL
    files = b"\n".join(path.read_bytes() for path in stolen_copy.files_written())
    assert stolen_copy.names_in(files) == {"named": {"first name", "last name"}}
    assert len(stolen_copy.signer_rows(run)) == len(stolen_copy.PERSONAS) - 2

"""The erasure journal: which signatures were withdrawn, erased or hidden, outside the database.

Restoring a backup of the database brings back every signer who withdrew, was erased or had
their name hidden since that backup, and the access trail that recorded it rolls back with it.
So each of those events is also written here, in a private storage of its own that a restore
does not touch, and `manage.py erasures_reapply` (petitions/erasure_reapply.py) does them again.

Each event is one small new file, never a line appended to an old one: several nodes may write
at once. File names sort by time; each line reads "<kind> <signature number> <signed at>". A
restored database hands out again the numbers of the rows it never held, so a line stands only
for the signature of that number made at that moment (lines written before 2026-11-29 have no
time: for a signature made before their file was written). Numbers and times only:
the journal names nobody by itself, and once the database has forgotten a row, nothing links
its number to a person. Files are deleted once no kept backup is older than them
(BACKUP_RETENTION_DAYS), by the daily retention task.
"""

import logging
import posixpath
import secrets
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from core.private_storage import erasure_journal_storage

logger = logging.getLogger(__name__)

# A file's name starts with when it was written, in UTC, so that names sort by time.
_WRITTEN_AT_FORMAT = "%Y%m%dT%H%M%S.%fZ"


class JournalKind(StrEnum):
    WITHDRAWN = "withdrawn"
    ERASED = "erased"
    HIDDEN = "hidden"


_KINDS = frozenset(kind.value for kind in JournalKind)


class JournalLineBad(ValueError):
    """A journal file holds a line that is not "<kind> <signature number> [<signed at>]"."""


class JournalEntry(NamedTuple):
    kind: JournalKind
    signature_id: int
    journaled_at: datetime
    # When the signature was made: with its number, it tells it from a newcomer given the same
    # number by a restored database. None on lines written before it was journaled too.
    signed_at: datetime | None


def erasure_journal_record(*, kind: JournalKind, signature_ids: Iterable[int]) -> None:
    """Journal these signatures once the transaction that changed them commits.

    Call it while their rows still exist (a withdrawal deletes its row after). A write that
    fails does not undo what was done: it is logged as an error, since the change would not
    survive a restore of a backup taken before it.
    """
    from petitions.models import Signature

    ids = sorted(set(signature_ids))
    if ids:
        signed = Signature.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "created_at")
        lines = "".join(
            f"{kind} {signature_id} {signed_at.astimezone(UTC).strftime(_WRITTEN_AT_FORMAT)}\n"
            for signature_id, signed_at in signed
        )
        transaction.on_commit(lambda: _journal_file_write(kind=kind, count=len(ids), lines=lines))


def _journal_file_write(*, kind: JournalKind, count: int, lines: str) -> None:
    written_at = timezone.now().astimezone(UTC)
    name = (
        f"{written_at:%Y/%m/%d}/{written_at.strftime(_WRITTEN_AT_FORMAT)}"
        f"-{secrets.token_hex(4)}.txt"
    )
    try:
        erasure_journal_storage().save(name, ContentFile(lines.encode("ascii")))
    except Exception:
        # Any storage may fail its own way (a full disk, a bucket out of reach): the erasure
        # itself is done and must stay done, so the signer's request does not fail.
        logger.error(
            "Erasure journal NOT written: %d signature(s) %s in the database, but restoring a "
            "backup taken before now would bring them back. Take a new database backup now.",
            count,
            kind,
            exc_info=True,
        )


def _journal_file_names(storage: Storage, directory: str = "") -> list[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:
        # Nothing journaled yet on this filesystem.
        return []
    names = [posixpath.join(directory, name) for name in files]
    for subdirectory in directories:
        names.extend(_journal_file_names(storage, posixpath.join(directory, subdirectory)))
    return sorted(names)


def _written_at(name: str) -> datetime | None:
    stem = posixpath.basename(name).split("-", 1)[0]
    try:
        return datetime.strptime(stem, _WRITTEN_AT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def erasure_journal_entries() -> Iterator[JournalEntry]:
    """Yield every entry the journal holds, oldest file first."""
    storage = erasure_journal_storage()
    for name in _journal_file_names(storage):
        written_at = _written_at(name)
        if written_at is None:
            # Without its time, a line could name a signature made since with the same number.
            raise JournalLineBad(f"{name}: the file's name does not say when it was written")
        with storage.open(name) as opened:
            text = opened.read().decode("ascii")
        # A line without its end was cut short as it was written ("erased 12" as "erased 1"):
        # read as it stands, it would name another signature.
        complete_lines = text.split("\n")[:-1]
        for number, line in enumerate(complete_lines, start=1):
            kind, signature_id, *signed = line.split(" ")
            try:
                signed_at = (
                    datetime.strptime(signed[0], _WRITTEN_AT_FORMAT).replace(tzinfo=UTC)
                    if signed
                    else None
                )
            except ValueError:
                signed_at = None
                signature_id = ""  # refused below
            if kind not in _KINDS or not signature_id.isdigit() or len(signed) > 1:
                raise JournalLineBad(f"{name}, line {number}: {line!r}")
            yield JournalEntry(JournalKind(kind), int(signature_id), written_at, signed_at)


def erasure_journal_purge(*, now: datetime | None = None) -> int:
    """Delete the journal's files older than the oldest backup kept; return how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.BACKUP_RETENTION_DAYS)
    storage = erasure_journal_storage()
    deleted = 0
    for name in _journal_file_names(storage):
        written_at = _written_at(name)
        if written_at is not None and written_at < cutoff:
            storage.delete(name)
            deleted += 1
    return deleted

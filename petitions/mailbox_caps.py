"""How many emails one inbox may be sent in a day, across the whole site.

Confirmation emails and their reminders share one count: whichever petition or form asked for
them, nobody can turn the site against someone's inbox. The withdrawal links a visitor asks for
by address (petitions/withdrawal_links.py) have a count and a cap of their own: anyone may type
a signer's address into that form, and were its emails counted with the confirmations, a few
requests a day would hold back the signer's confirmation emails.

The counts are kept per keyed fingerprint of the strictest form of the address
(petitions.mailboxes.mailbox_strict): plus-tags, dots and quotes cannot make one inbox many,
and the table names no one. Still, a row says "this mailbox was emailed that day": only
today's count is read, so older days are deleted by the daily retention run.
"""

from collections import Counter
from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from petitions.mailboxes import mailbox_fingerprint
from petitions.models import MailboxDailySends, Signature

# Adds this batch's emails to each mailbox's count for the day and returns the new counts.
# One statement, the same in PostgreSQL and SQLite; the count it does not name starts at the
# column's default.
MAILBOX_COUNT_SQL = """
    INSERT INTO {table} (mailbox_hash, day, {count}) VALUES {rows}
    ON CONFLICT (mailbox_hash, day) DO UPDATE SET {count} = {table}.{count} + excluded.{count}
    RETURNING mailbox_hash, {count}
"""
# The cap reads only today's row; yesterday's is kept too, so that a run just after midnight,
# or a clock a little behind, still finds the day it is counting.
MAILBOX_DAYS_KEPT = 2
# The column that counts the emails of withdrawal links asked for.
WITHDRAWAL_LINK_COUNT = "withdrawal_link_count"


def mailbox_daily_send_release(signature: Signature) -> None:
    """Give back the place an email took in its mailbox's count: it was not sent."""
    mailbox_daily_send_give_back(email=signature.email)


def mailbox_daily_send_give_back(*, email: str) -> None:
    """Give back the place a confirmation email to `email` took in its mailbox's count."""
    MailboxDailySends.objects.filter(
        mailbox_hash=mailbox_fingerprint(email), day=timezone.localdate(), count__gt=0
    ).update(count=F("count") - 1)


def withdrawal_links_daily_send_take(*, email: str) -> bool:
    """Count one email of withdrawal links to `email` against its own daily cap
    (WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY); return whether it may go.

    The confirmations' count is left alone. Over the cap, the place is given back at once:
    the email will not be sent. Under it, the caller gives it back if sending fails.
    """
    fingerprint = mailbox_fingerprint(email)
    counts = _daily_counts_add(Counter({fingerprint: 1}), column=WITHDRAWAL_LINK_COUNT)
    if counts[fingerprint] > settings.WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY:
        withdrawal_links_daily_send_give_back(email=email)
        return False
    return True


def withdrawal_links_daily_send_give_back(*, email: str) -> None:
    """Give back the place an email of withdrawal links to `email` took: it was not sent."""
    MailboxDailySends.objects.filter(
        mailbox_hash=mailbox_fingerprint(email),
        day=timezone.localdate(),
        withdrawal_link_count__gt=0,
    ).update(withdrawal_link_count=F(WITHDRAWAL_LINK_COUNT) - 1)


def _daily_counts_add(in_batch: Counter, *, column: str = "count") -> dict[str, int]:
    """Add these emails to each mailbox's count for today (`column`); return its new counts."""
    table = connection.ops.quote_name(MailboxDailySends._meta.db_table)
    sql = MAILBOX_COUNT_SQL.format(
        table=table,
        count=connection.ops.quote_name(column),
        rows=", ".join(["(%s, %s, %s)"] * len(in_batch)),
    )
    today = timezone.localdate()
    params = [value for item in in_batch.items() for value in (item[0], today, item[1])]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def mailboxes_over_daily_cap(signatures: list[Signature]) -> set[int]:
    """Count the batch against each mailbox's daily cap; return the signatures over it.

    Each email takes its place before it is sent, so that two senders never both pass the
    cap, and gives it back if it was not sent.
    """
    fingerprints = {signature.pk: mailbox_fingerprint(signature.email) for signature in signatures}
    in_batch = Counter(fingerprints.values())
    counts = _daily_counts_add(in_batch)
    cap = settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY
    # What each mailbox may still be sent of this batch: the cap less what earlier batches sent.
    allowed = {
        fingerprint: max(cap - (count - in_batch[fingerprint]), 0)
        for fingerprint, count in counts.items()
    }
    over = set()
    for signature in signatures:
        fingerprint = fingerprints[signature.pk]
        if allowed[fingerprint] > 0:
            allowed[fingerprint] -= 1
        else:
            over.add(signature.pk)
    return over


def mailbox_daily_sends_purge(*, today: date | None = None) -> int:
    """Delete the counts of days the cap no longer reads; return how many were deleted."""
    first_kept = (today or timezone.localdate()) - timedelta(days=MAILBOX_DAYS_KEPT - 1)
    return MailboxDailySends.objects.filter(day__lt=first_kept).delete()[0]

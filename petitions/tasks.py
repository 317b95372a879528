"""Celery tasks: thin, safe to run twice, every rule lives in the modules they call."""

from celery import shared_task

from petitions import (
    confirmation_emails,
    counter,
    erasure,
    export_jobs,
    invalidations,
    ledger,
    reminders,
    sealing,
    trends,
    withdrawal_links,
)


@shared_task
def confirmations_send_task() -> int:
    """Send every confirmation email due (woken after signing, and beat's sweep)."""
    return confirmation_emails.confirmations_send()


@shared_task
def petition_counts_reconcile() -> int:
    """Write the true confirmed counts over the fast, approximate ones."""
    return counter.petition_counts_reconcile()


@shared_task
def signature_export_build_task(export_id: int) -> bool:
    """Write a large signature export's file (a second run finds it claimed and stops)."""
    return export_jobs.signature_export_build(export_id=export_id)


@shared_task
def signature_exports_resume() -> int:
    """Queue again the exports whose task was lost or whose writer died."""
    return export_jobs.signature_exports_resume()


@shared_task
def signature_exports_purge_expired() -> int:
    """Delete the files of signature exports whose link has expired."""
    return export_jobs.signature_exports_purge_expired()


@shared_task
def signatures_retention_apply() -> dict[str, int]:
    """Delete signatures never confirmed, anonymise old ones of closed petitions, and delete
    past days' counts of emails per mailbox and the erasure journal's files no backup needs."""
    return erasure.signatures_retention_apply()


@shared_task
def signatures_seal_due() -> int:
    """Seal the personal data the site no longer needs to read."""
    return sealing.signatures_seal_due()


@shared_task
def ledger_daily_append() -> int:
    """Append today's signed statement of each public petition's count to its ledger."""
    return ledger.ledger_daily_append()


@shared_task
def invalidation_run_task(invalidation_id: int) -> int:
    """Run an invalidation by criteria, or its undo (a second run finds it held and stops)."""
    return invalidations.invalidation_job_run(invalidation_id=invalidation_id)


@shared_task
def invalidations_resume() -> int:
    """Queue again the invalidations whose worker died or whose message was lost."""
    return invalidations.invalidations_resume()


@shared_task
def trend_alerts_check() -> int:
    """Alert the managers of a source past a petition's threshold (once an hour per source)."""
    return trends.trend_alerts_check()


@shared_task
def reminders_queue() -> int:
    """Owe their one reminder to the signers who have not confirmed a day after their email."""
    return reminders.reminders_queue()


@shared_task
def withdrawal_links_email_task(*earlier_release_args: str) -> int:
    """Send every email of withdrawal links due (woken after a request, and beat's sweep).

    Each request is a row: a server's "later" leaves it due again, for the sweep, rather
    than in a retry's countdown that a restarted worker forgets. A message queued by the
    release before, which carried the sealed address, is recorded as a row first.
    """
    if earlier_release_args:
        sealed_address, language, *_requested_at = earlier_release_args
        withdrawal_links.legacy_message_record(sealed_address=sealed_address, language=language)
    return withdrawal_links.withdrawal_links_send_due()

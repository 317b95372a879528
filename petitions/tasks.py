"""Celery tasks: thin, safe to run twice, every rule lives in the modules they call."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from core.email_sending import TRANSIENT_ERRORS
from petitions import confirmation_emails, counter, erasure, export_jobs


@shared_task(bind=True)
def confirmation_email_send_task(self, signature_id: int) -> bool:
    """Send a signature's confirmation email, retrying with backoff while the ESP fails."""
    try:
        return confirmation_emails.confirmation_email_send(signature_id=signature_id)
    except TRANSIENT_ERRORS as error:
        countdown = get_exponential_backoff_interval(
            factor=settings.SIGNATURE_EMAIL_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=3600,
            full_jitter=True,
        )
        # Past the last retry the email is still owed, and the sweep queues it again.
        raise self.retry(
            exc=error, countdown=countdown, max_retries=settings.SIGNATURE_EMAIL_MAX_RETRIES
        ) from error


@shared_task
def confirmations_owed_send() -> int:
    """Queue every confirmation email still owed (the broker was down, a worker died)."""
    return confirmation_emails.confirmations_owed_queue()


@shared_task
def petition_counts_reconcile() -> int:
    """Write the true confirmed counts over the fast, approximate ones."""
    return counter.petition_counts_reconcile()


@shared_task
def signature_export_build_task(export_id: int) -> bool:
    """Write a large signature export's file (a second run finds it claimed and stops)."""
    return export_jobs.signature_export_build(export_id=export_id)


@shared_task
def signature_exports_purge_expired() -> int:
    """Delete the files of signature exports whose link has expired."""
    return export_jobs.signature_exports_purge_expired()


@shared_task
def signatures_retention_apply() -> dict[str, int]:
    """Delete signatures never confirmed and anonymise old ones of closed petitions."""
    return erasure.signatures_retention_apply()

"""Celery tasks: thin, safe to run twice, every rule lives in services."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from petitions import services


@shared_task(bind=True)
def confirmation_email_send_task(self, signature_id: int) -> bool:
    """Send a signature's confirmation email, retrying with backoff while the ESP fails."""
    try:
        return services.confirmation_email_send(signature_id=signature_id)
    except services.EMAIL_TRANSIENT_ERRORS as error:
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
    return services.confirmations_owed_queue()


@shared_task
def petition_counts_reconcile() -> int:
    """Write the true confirmed counts over the fast, approximate ones."""
    return services.petition_counts_reconcile()

"""Celery tasks: thin, safe to run twice; every rule lives in the modules they call."""

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings

from core.email_sending import TRANSIENT_ERRORS
from deliveries import runs, sending


@shared_task
def deliveries_run_due() -> int:
    """Deliver what every petition's schedule says is due; return how many deliveries."""
    return len(runs.deliveries_run().deliveries)


@shared_task(bind=True)
def delivery_send_task(self, delivery_id: int) -> bool:
    """Email a delivery to its target, retrying with backoff while the ESP fails."""
    try:
        return sending.delivery_send(delivery_id=delivery_id)
    except TRANSIENT_ERRORS as error:
        countdown = get_exponential_backoff_interval(
            factor=settings.DELIVERY_EMAIL_RETRY_BACKOFF,
            retries=self.request.retries,
            maximum=6 * 3600,
            full_jitter=True,
        )
        # Past the last retry the delivery stays failed, for staff to resend from the admin.
        raise self.retry(
            exc=error, countdown=countdown, max_retries=settings.DELIVERY_EMAIL_MAX_RETRIES
        ) from error

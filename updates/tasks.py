"""Thin tasks: send an update's next batch, and wake senders beat finds missing."""

from celery import shared_task
from django.conf import settings

from updates import sending
from updates.models import SupporterUpdate


@shared_task(acks_late=False, ignore_result=True)
def update_send_task(update_id: int) -> None:
    """Send a batch, then call in the next one after the pause the update's rate asks for."""
    if not sending.update_batch_send(update_id=update_id):
        return
    if update_send_task.request.is_eager:
        # In-process (`make run`, no broker) a countdown is not waited for: a recipient told
        # "try later" would have this task call itself until Python's recursion limit. The
        # schedule's resume (updates-sending-resume) sends the next batch, once it is due.
        return
    rate = SupporterUpdate.objects.values_list("send_rate_per_minute", flat=True).get(pk=update_id)
    pause = settings.UPDATE_BATCH_SIZE * 60 / max(rate, 1)
    update_send_task.apply_async((update_id,), countdown=pause)


@shared_task(ignore_result=True)
def updates_sending_resume_task() -> None:
    for update_id in sending.updates_sending_resume():
        update_send_task.delay(update_id)

"""Celery tasks: thin, safe to run twice; every rule lives in the modules they call."""

import logging
from datetime import datetime

from celery import Task, shared_task

from deliveries import file_storage, list_rewrites, notices, runs, sending
from petitions.models import Petition

logger = logging.getLogger(__name__)


def task_queue(
    task: Task, *, args: tuple, about: str, otherwise: str, countdown: float = 0
) -> None:
    """Queue `task`; log what kept it from running, and what will do its work instead (never
    raise it: the caller's work is committed).

    With a broker, what fails is the queueing: the task was not queued. Without one (`make
    run`), the task runs here as it is queued, and what fails is the task itself: it ran.
    """
    in_process = task.app.conf.task_always_eager
    try:
        task.apply_async(args=args, countdown=countdown, retry=False)
    except Exception:
        if in_process:
            logger.exception("%s failed in this process; %s", about, otherwise)
        else:
            logger.warning("%s not queued; %s", about, otherwise, exc_info=True)


@shared_task
def deliveries_run_due() -> int:
    """Deliver what every petition's schedule says is due; return how many deliveries."""
    return len(runs.deliveries_run().deliveries)


@shared_task
def deliveries_now_task(petition_id: int, target_ids: list[int], confirmed_up_to: str) -> int:
    """Deliver what staff confirmed in a preview: signatures confirmed by its moment."""
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        return 0
    report = runs.deliveries_run(
        petition=petition,
        target_ids=target_ids,
        confirmed_up_to=datetime.fromisoformat(confirmed_up_to),
    )
    return len(report.deliveries)


@shared_task
def delivery_send_task(delivery_id: int) -> bool:
    """Email a delivery to its target; a refusal "for now" queues the next attempt itself."""
    return sending.delivery_send(delivery_id=delivery_id)


@shared_task
def delivery_lists_forget_hidden_names_task(delivery_ids: list[int]) -> int:
    """Write again the lists not sent yet that name someone whose name staff hid since."""
    return list_rewrites.delivery_lists_forget_hidden_names(delivery_ids=delivery_ids)


@shared_task
def delivery_lists_forget_hidden_names_sweep() -> int:
    """Write again the lists not sent yet that a lost message left naming a hidden signer."""
    return list_rewrites.delivery_lists_forget_hidden_names_sweep()


@shared_task
def delivery_files_purge_expired() -> int:
    """Delete the files of deliveries sent longer ago than their schedule keeps them."""
    return file_storage.delivery_files_purge_expired()


@shared_task
def delivery_files_left_behind_sweep() -> int:
    """Delete the delivery files a worker killed after naming their replacements left."""
    return file_storage.delivery_files_left_behind_sweep()


@shared_task
def delivery_notices_task(delivery_id: int, reply_id: int | None = None) -> int:
    """Tell the signers a sent delivery carried who asked for news that it went (or, with
    `reply_id`, what the authorities answered); return how many emails went."""
    if reply_id is None:
        notices.delivery_notices_create(delivery_id=delivery_id)
    else:
        notices.reply_notices_create(reply_id=reply_id)
    return notices.delivery_notices_send()


@shared_task
def delivery_notices_sweep() -> int:
    """Write and send the notices that a lost task or a refusal "for now" left due."""
    return notices.delivery_notices_sweep()

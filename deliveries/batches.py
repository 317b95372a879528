"""A batch: every confirmed signature not yet carried to a target, recorded and made into files.

`delivery_batch_create` records a batch under a lock on its (petition, target) pair, in one
INSERT ... SELECT; the UniqueConstraint(target, signature) is the database's own guarantee of
"at most once". `delivery_files_build` then writes the letter and the CSV (deliveries.file_writing)
and marks the delivery ready; a worker killed there leaves it "building", and the next run
writes it again.
"""

import secrets
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, QuerySet, Sum

from core.email_sending import message_id_make
from deliveries import selectors
from deliveries.addresses import DeliveryRefused, delivery_refusal
from deliveries.file_storage import delivery_files_lock
from deliveries.file_writing import delivery_files_write
from deliveries.models import DeliveredSignature, Delivery, DeliverySchedule
from deliveries.sending import delivery_send_queue
from petitions.models import Petition, Target

# The letter's languages; targets in another (Chinese, Uyghur) get English for now.
LETTER_LANGUAGES = ("fr", "en")
LETTER_FALLBACK_LANGUAGE = "en"


def delivery_language(*, target: Target) -> str:
    return target.language if target.language in LETTER_LANGUAGES else LETTER_FALLBACK_LANGUAGE


def counts_only_for(*, petition: Petition) -> bool:
    schedule = DeliverySchedule.objects.filter(petition=petition).first()
    return schedule.counts_only if schedule else False


def _pair_lock(*, petition_id: int, target_id: int) -> None:
    """Hold, until the transaction ends, the lock on one (petition, target) pair's batches.

    Two runs that reach the same pair at once take turns here; the second then finds nothing
    left to carry. SQLite (one machine, `make run`) lets one writer at a time in anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"deliveries.batch:{petition_id}:{target_id}"],
        )


def _batch_insert(*, delivery: Delivery, awaiting: QuerySet) -> int:
    """Put every awaiting signature in the delivery in one statement; return how many."""
    sql, params = (
        awaiting.annotate(awaiting_id=F("pk")).values("awaiting_id").query.sql_with_params()
    )
    quote = connection.ops.quote_name
    table = quote(DeliveredSignature._meta.db_table)
    columns = ", ".join(quote(column) for column in ("delivery_id", "target_id", "signature_id"))
    # The two ids are integers from the database, cast again: nothing from outside reaches SQL.
    statement = (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT {int(delivery.pk)}, {int(delivery.target_id)}, awaiting.{quote('awaiting_id')} "
        f"FROM ({sql}) AS awaiting"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def delivery_batch_create(
    *,
    petition: Petition,
    target: Target,
    queue_send: bool = True,
    confirmed_up_to: datetime | None = None,
) -> Delivery | None:
    """Carry every confirmed signature not yet delivered to `target` in a new delivery.

    Return the delivery, its files written and (unless `queue_send` is false: the next run
    sends it) its email queued, or None when no signature waits. With `confirmed_up_to`, only
    signatures confirmed by then go: what staff saw in the preview, not what came after.
    Raise DeliveryRefused when the target's address may not receive it (a placeholder, or not
    approved). Safe to call from two processes at once: they take turns on the pair's lock.
    """
    with transaction.atomic():
        _pair_lock(petition_id=petition.pk, target_id=target.pk)
        target = Target.objects.get(pk=target.pk)
        refusal = delivery_refusal(target=target)
        if refusal is not None:
            raise DeliveryRefused(refusal)
        awaiting = selectors.signatures_awaiting_delivery(
            petition=petition, target=target, confirmed_up_to=confirmed_up_to
        )
        if not awaiting.exists():
            return None
        counts_only = counts_only_for(petition=petition)
        delivery = Delivery.objects.create(
            petition=petition,
            target=target,
            status=Delivery.Status.BUILDING,
            counts_only=counts_only,
            language=delivery_language(target=target),
            reference=secrets.token_hex(16),
            message_id=message_id_make(idstring="delivery"),
        )
        total = _batch_insert(delivery=delivery, awaiting=awaiting)
        named = (
            0
            if counts_only
            else selectors.delivery_signatures(delivery=delivery).named_in_delivery().count()
        )
        earlier = (
            Delivery.objects.filter(petition=petition, target=target)
            .exclude(pk=delivery.pk)
            .aggregate(total=Sum("total_count"))["total"]
            or 0
        )
        Delivery.objects.filter(pk=delivery.pk).update(
            total_count=total,
            named_count=named,
            cumulative_count=earlier + total,
            counts_by_country=selectors.delivery_counts_by_country(delivery=delivery),
        )
    delivery_files_build(delivery_id=delivery.pk, queue_send=queue_send)
    delivery.refresh_from_db()
    return delivery


def delivery_files_build(*, delivery_id: int, queue_send: bool = True) -> Delivery | None:
    """Write a recorded batch's letter and CSV, mark it ready and queue its email.

    The row stays locked while the files are written, so two runs never write one delivery at
    once; if the worker dies, its connection and lock go with it and the delivery is still
    "building" for the next run, which deletes the files it left (deliveries.file_storage). Return
    None if it was not (or no longer) waiting for files.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(
            delivery_id=delivery_id, statuses=(Delivery.Status.BUILDING,), skip_locked=True
        )
        if delivery is None:
            return None
        fields = delivery_files_write(delivery=delivery)
        delivery.status = Delivery.Status.READY
        delivery.save(update_fields=["status", *fields])
        if queue_send:
            delivery_send_queue(delivery_id=delivery.pk)
    return delivery

"""A delivery's list of named signers written again without those erased or hidden since.

An erasure has every list on file written again, sent ones too (their SHA-256 stays that of the
list as sent). Hiding a name has a worker write again whole the lists not sent yet; beat's
sweep does it for a lost message, and the check before each sending for whatever both missed.
"""

import tempfile

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from deliveries import documents, selectors
from deliveries.file_storage import delivery_file_store, delivery_files_lock
from deliveries.file_writing import CSV_CHUNK_SIZE, delivery_files_not_yet_sent_rewrite
from deliveries.models import DeliveredSignature, Delivery
from staff.access_trail import access_event_record
from staff.models import AccessEvent

# Not sent, and not in a sender's hands: what these hold may still change before it goes.
STATUSES_BEFORE_SENDING = (Delivery.Status.BUILDING, Delivery.Status.READY, Delivery.Status.FAILED)


def _signers_csv_rewrite(*, delivery: Delivery) -> None:
    """Write the delivery's list again from the signatures as they are now (erased ones gone).

    It keeps its reference line and order; its SHA-256 is that of the file as sent, which the
    public proof shows, while the copy on file no longer names the erased.
    """
    rows = selectors.delivery_named_signers(delivery=delivery).iterator(chunk_size=CSV_CHUNK_SIZE)
    with translation.override(delivery.language), tempfile.TemporaryFile() as signers:
        documents.signers_csv_write(rows=rows, reference=delivery.reference, out=signers)
        signers.seek(0)
        delivery_file_store(delivery=delivery, field_name="signatures_csv", fileobj=signers)


def _list_on_file_rewrite(*, delivery_id: int, statuses: tuple[str, ...]) -> Delivery | None:
    """Write a delivery's list of names again from the signatures as they are now; return the
    delivery, or None if it has no list on file (or is no longer in one of `statuses`).

    A delivery not sent yet is written again whole, its count of names too. One sent (or being
    sent) has only its list on file rewritten; its SHA-256 stays that of the file as sent.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(delivery_id=delivery_id, statuses=statuses)
        if delivery is None or not delivery.signatures_csv:
            return None
        if delivery.status in STATUSES_BEFORE_SENDING:
            named = selectors.delivery_signatures(delivery=delivery).named_in_delivery()
            delivery_files_not_yet_sent_rewrite(delivery=delivery, named_count=named.count())
        else:
            delivery.files_changed_at = timezone.now()
            _signers_csv_rewrite(delivery=delivery)
            delivery.save(update_fields=["signatures_csv", "files_changed_at"])
    return delivery


def _list_not_yet_sent_bring_up_to_date(*, delivery_id: int) -> bool:
    """Write a list not sent yet again if it names more people than may now be named; return
    whether it was written again.

    Names are only ever taken away (hidden, erased), so a list naming as many as may now be
    named is up to date and left alone. Counted under the row's lock: run twice, or at once
    with the check before sending, the list is written again once.
    """
    with transaction.atomic():
        delivery = delivery_files_lock(delivery_id=delivery_id, statuses=STATUSES_BEFORE_SENDING)
        if delivery is None or delivery.counts_only or not delivery.signatures_csv:
            return False
        named_now = selectors.delivery_signatures(delivery=delivery).named_in_delivery().count()
        if named_now == delivery.named_count:
            return False
        delivery_files_not_yet_sent_rewrite(delivery=delivery, named_count=named_now)
    return True


def _deliveries_carrying(signature_ids: list[int]) -> QuerySet[Delivery]:
    return Delivery.objects.filter(
        pk__in=DeliveredSignature.objects.filter(signature_id__in=signature_ids).values(
            "delivery_id"
        ),
        counts_only=False,
    ).order_by("pk")


def delivery_files_forget_signers(*, signature_ids: list[int]) -> int:
    """Take erased signers out of every list of names still on file; return how many lists.

    petitions.erasure calls it (this app's AppConfig names it) after anonymising them. Each
    rewrite is recorded on the delivery and in the access trail.
    """
    rewritten = 0
    every_status = tuple(Delivery.Status.values)
    for delivery_id in _deliveries_carrying(signature_ids).values_list("pk", flat=True):
        if _list_on_file_rewrite(delivery_id=delivery_id, statuses=every_status) is None:
            continue
        access_event_record(
            actor=None,
            action=AccessEvent.Action.ERASED_SIGNER,
            target=f"{Delivery._meta.label} #{delivery_id}",
            note=AccessEvent.Note.LIST_ON_FILE_REWRITTEN,
        )
        rewritten += 1
    return rewritten


CANNOT_BE_RECALLED: dict[str, AccessEvent.Note] = {
    Delivery.Status.SENT: AccessEvent.Note.LIST_SENT_NOT_RECALLED,
    Delivery.Status.SENDING: AccessEvent.Note.LIST_BEING_SENT_NOT_RECALLED,
}


def delivery_lists_forget_hidden_names_queue(*, signature_ids: list[int]) -> int:
    """Have a worker write again, once hiding commits, the lists not sent yet that name these
    signers; return how many lists it will look at.

    petitions.name_review calls it (this app's AppConfig names it) with the signers it hid
    whose names a delivery could carry. Writing a list of a hundred thousand names takes
    seconds to minutes, with its row locked: never inside the request that hides a name. A
    list already sent, or in a sender's hands, cannot be recalled: the trail says so here.
    Whatever becomes of the worker, the check before sending (delivery_list_bring_up_to_date)
    keeps a hidden name out of what goes.
    """
    from deliveries.tasks import delivery_lists_forget_hidden_names_task, task_queue

    not_yet_sent = []
    carrying = _deliveries_carrying(signature_ids).values_list("pk", "status")
    for delivery_id, status in carrying:
        if status in STATUSES_BEFORE_SENDING:
            not_yet_sent.append(delivery_id)
        elif note := CANNOT_BE_RECALLED.get(status):
            access_event_record(
                actor=None,
                action=AccessEvent.Action.HID_NAMES,
                target=f"{Delivery._meta.label} #{delivery_id}",
                note=note,
            )
    if not not_yet_sent:
        return 0

    def publish() -> None:
        task_queue(
            delivery_lists_forget_hidden_names_task,
            args=(not_yet_sent,),
            about=f"The rewrite of lists {not_yet_sent} without a hidden name",
            otherwise="beat's sweep tries again, and each is written again before it is sent.",
        )

    transaction.on_commit(publish)
    return len(not_yet_sent)


def delivery_lists_forget_hidden_names(*, delivery_ids: list[int]) -> int:
    """Write again whole (list, count of names, letter, hashes) each of these lists not sent
    yet that names someone whose name was hidden since; return how many were written again.

    Safe to run twice or after a crash: a list already up to date is left alone. Each list
    written again is recorded on the delivery and in the access trail.
    """
    rewritten = 0
    for delivery_id in delivery_ids:
        if not _list_not_yet_sent_bring_up_to_date(delivery_id=delivery_id):
            continue
        access_event_record(
            actor=None,
            action=AccessEvent.Action.HID_NAMES,
            target=f"{Delivery._meta.label} #{delivery_id}",
            note=AccessEvent.Note.LIST_NOT_YET_SENT_REWRITTEN,
        )
        rewritten += 1
    return rewritten


def delivery_lists_forget_hidden_names_sweep() -> int:
    """Write again the lists not sent yet that still name someone whose name was hidden since,
    as the worker queued on hiding would have; return how many were written again.

    Beat runs it (DELIVERY_LISTS_SWEEP_MINUTES) for what a lost message left: the broker down
    when hiding queued the worker, or a worker killed after taking it. Until then staff
    downloading such a list would read the hidden name. With nothing to do it is one query and
    reads no file; beside the worker or a send, each list is counted again under its row's lock
    and written once.
    """
    naming_too_many = selectors.delivery_lists_naming_too_many(statuses=STATUSES_BEFORE_SENDING)
    delivery_ids = list(naming_too_many.values_list("pk", flat=True))
    if not delivery_ids:
        return 0
    return delivery_lists_forget_hidden_names(delivery_ids=delivery_ids)


def delivery_list_bring_up_to_date(*, delivery_id: int) -> bool:
    """Before a delivery is sent, write its list again if it names someone it should no longer
    name; return whether it was written again.

    Hiding a name has a worker write the lists not sent yet again
    (delivery_lists_forget_hidden_names), but that worker may not have run yet, or its message
    may have been lost, and a list in a sender's hands is not written again. Checked before
    each try, whatever came between (a send the server deferred or refused, a sender that
    died, a resend by staff), what goes names only whom it may; the trail says when it was
    rewritten.
    """
    if not _list_not_yet_sent_bring_up_to_date(delivery_id=delivery_id):
        return False
    access_event_record(
        actor=None,
        action=AccessEvent.Action.HID_NAMES,
        target=f"{Delivery._meta.label} #{delivery_id}",
        note=AccessEvent.Note.LIST_REWRITTEN_BEFORE_SENDING,
    )
    return True

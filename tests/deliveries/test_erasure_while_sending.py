"""A signer erased while their list is being sent: the list that goes is the one whose SHA-256
the proof and the ledger give, and the list kept on file no longer names them.

The sender claims the delivery (READY -> SENDING), then reads its files and hands them to the
mail server. An erasure takes the row's lock to write the list on file again; for a delivery
"sending" it keeps the SHA-256 of the list that goes. Before the sender read its files under
that same lock, an erasure right after the claim left a list on file under a SHA-256 that was
not its own, and the sender sent it so; one that came as the sender was reading deleted the
list under it, and the attempt failed.
"""

import hashlib
import json
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.management import call_command
from django.db import connection

from deliveries import batches
from deliveries.models import Delivery
from deliveries.sending import delivery_send
from petitions.erasure import signer_erase
from petitions.models import LedgerEntry
from tests.deliveries.factories import confirmed_signatures_create
from tests.deliveries.helpers import attachments, csv_rows


@contextmanager
def _right_after_the_claim(action):
    """Run `action` once, as soon as the sender's claim (READY -> SENDING) is written."""
    done = []

    def after_the_claim(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        claim = sql.startswith('UPDATE "deliveries_delivery"') and Delivery.Status.SENDING in (
            params or ()
        )
        if claim and not done:
            done.append(True)
            action()
        return result

    with connection.execute_wrapper(after_the_claim):
        yield
    assert done, "the sender never claimed the delivery"


def _names(csv_bytes: bytes) -> list[list[str]]:
    return [row[:2] for row in csv_rows(csv_bytes)]


def _on_file(field_file) -> bytes:
    with field_file.open("rb") as on_file:
        return on_file.read()


def _ledger_files_sha256(petition, delivery) -> dict[str, str]:
    entries = petition.ledger_entries.filter(event=LedgerEntry.Event.DELIVERY)
    details = [json.loads(entry.body)["delivery"] for entry in entries]
    return next(detail["files_sha256"] for detail in details if detail["id"] == delivery.pk)


def _assert_what_went_is_what_the_proof_gives(message, petition, delivery) -> dict[str, bytes]:
    went = attachments(message)
    sent = Delivery.objects.get(pk=delivery.pk)
    assert sent.status == Delivery.Status.SENT
    assert hashlib.sha256(went["letter.pdf"]).hexdigest() == sent.letter_sha256
    assert hashlib.sha256(went["signatures.csv"]).hexdigest() == sent.csv_sha256
    assert _ledger_files_sha256(petition, sent) == {
        "letter.pdf": sent.letter_sha256,
        "signers.csv": sent.csv_sha256,
    }
    call_command("ledger_verify", petition=petition.slug)
    return went


@pytest.mark.django_db
def test_a_signer_erased_right_after_the_claim_goes_neither_in_the_list_nor_in_its_proof(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    erased, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    assert delivery.named_count == 2

    # A data officer erases the signer the moment a sender has claimed the delivery.
    erase = lambda: signer_erase(email=erased.email, actor=None)  # noqa: E731
    with _right_after_the_claim(erase), django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    went = _assert_what_went_is_what_the_proof_gives(mailoutbox[-1], petition, delivery)
    # Nothing had gone yet: the list goes without them, and the letter counts one name.
    assert _names(went["signatures.csv"]) == [[staying.first_name, staying.last_name]]
    sent = Delivery.objects.get(pk=delivery.pk)
    assert sent.named_count == 1
    assert _on_file(sent.signatures_csv) == went["signatures.csv"]


def _erasure_in_its_own_connection(email: str) -> tuple[threading.Thread, list]:
    """Start erasing `email` from another connection, as a data officer's request would;
    return its thread and [its backend's pid, then any error it raised]."""
    started = threading.Event()
    reported: list = []

    def erase():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                reported.append(cursor.fetchone()[0])
            started.set()
            signer_erase(email=email, actor=None)
        except BaseException as error:  # reported in the test's own thread
            reported.append(error)
        finally:
            started.set()
            connection.close()

    thread = threading.Thread(target=erase)
    thread.start()
    started.wait(timeout=30)
    return thread, reported


def _until_done_or_waiting_for_a_lock(thread: threading.Thread, pid: int) -> None:
    """Return once the thread has finished, or its connection waits for a lock another holds."""
    waiting = "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE pid = %s AND NOT granted)"
    with connection.cursor() as cursor:
        while thread.is_alive():
            cursor.execute(waiting, [pid])
            if cursor.fetchone()[0]:
                return
            thread.join(timeout=0.05)


@pytest.mark.django_db(transaction=True)
def test_a_signer_erased_as_the_sender_reads_its_files_leaves_the_list_as_it_went_and_off_file(
    petition, embassy, mailoutbox
):
    erased, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    erasure: list[threading.Thread] = []
    reported_by_erasure: list = []
    open_file = FileSystemStorage.open

    def sender_opens(storage, name, *args, **kwargs):
        # The sender has its row and opens the letter, then the list: the erasure comes now.
        if "/letter-" in name and not erasure:
            thread, reported = _erasure_in_its_own_connection(erased.email)
            erasure.append(thread)
            reported_by_erasure[:] = reported
            _until_done_or_waiting_for_a_lock(thread, pid=reported[0])
        return open_file(storage, name, *args, **kwargs)

    with mock.patch.object(FileSystemStorage, "open", sender_opens):
        sent_now = delivery_send(delivery_id=delivery.pk)
    erasure[0].join(timeout=60)
    assert not erasure[0].is_alive()
    assert reported_by_erasure[1:] == []

    # The erasure waited for the sender's read: the list went whole, as its proof says.
    assert sent_now
    went = _assert_what_went_is_what_the_proof_gives(mailoutbox[-1], petition, delivery)
    assert sorted(_names(went["signatures.csv"])) == sorted(
        [[erased.first_name, erased.last_name], [staying.first_name, staying.last_name]]
    )
    # What stays on file names them no more.
    on_file = _on_file(Delivery.objects.get(pk=delivery.pk).signatures_csv)
    assert _names(on_file) == [[staying.first_name, staying.last_name]]

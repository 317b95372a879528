"""A worker killed between writing a delivery's files and recording them leaves every record
naming whole files that match it; the next writer finishes the work and deletes what was left,
and beat's daily sweep deletes what no writer came back for.

A kill is simulated in process by raising SystemExit (which no `except Exception` catches) at
the step named, then running what the next worker would: the files are real, in a folder of
their own, and the rows are as the database kept them.
"""

import hashlib
import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from deliveries import batches
from deliveries.file_storage import delivery_files_purge_expired
from deliveries.list_rewrites import (
    delivery_files_forget_signers,
    delivery_lists_forget_hidden_names,
)
from deliveries.models import Delivery, delivery_files_folder
from deliveries.runs import deliveries_interrupted_resume
from deliveries.sending import delivery_send
from deliveries.tasks import delivery_files_left_behind_sweep
from petitions.erasure import signer_erase
from petitions.name_review import signatures_name_hide
from tests.deliveries.factories import confirmed_signatures_create
from tests.deliveries.helpers import attachments, csv_rows, pdf_text

pytestmark = pytest.mark.django_db


def _killed_before_the_row_is_saved():
    """Die where a writer, its files stored, saves the row that names them."""
    save = Delivery.save

    def killed(self, *args, **kwargs):
        if kwargs.get("update_fields"):
            raise SystemExit
        return save(self, *args, **kwargs)

    return mock.patch.object(Delivery, "save", killed)


def _killed_while_storing_a_file():
    """Die as a file is being stored: the new one not yet whole."""
    return mock.patch.object(FileSystemStorage, "save", side_effect=SystemExit)


def _killed_before_deleting_what_it_replaced():
    """Die once the row naming a new file is committed, before the one it replaced is deleted."""
    return mock.patch.object(FileSystemStorage, "delete", side_effect=SystemExit)


KILLS = {
    "while storing a file": _killed_while_storing_a_file,
    "before saving the row": _killed_before_the_row_is_saved,
}


def _in_folder(delivery) -> set[str]:
    """Return the names of every file in the delivery's folder."""
    folder = delivery_files_folder(delivery_id=delivery.pk)
    return {f"{folder}/{name}" for name in storages["deliveries"].listdir(folder)[1]}


def _assert_the_row_names_its_files_as_they_are(delivery) -> Delivery:
    """Assert that each file the row names is on file with the SHA-256 it records; return the
    row."""
    delivery = Delivery.objects.get(pk=delivery.pk)
    named = {
        delivery.letter_pdf: delivery.letter_sha256,
        delivery.signatures_csv: delivery.csv_sha256,
    }
    for field_file, recorded in named.items():
        with field_file.open("rb") as on_file:
            assert hashlib.sha256(on_file.read()).hexdigest() == recorded, field_file.name
    return delivery


@pytest.mark.parametrize("kill", KILLS.values(), ids=KILLS.keys())
def test_a_worker_killed_writing_a_list_again_leaves_the_list_and_letter_its_record_names(
    kill, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))

    with kill(), pytest.raises(SystemExit):
        delivery_lists_forget_hidden_names(delivery_ids=[delivery.pk])

    # As it was before: staff downloading it, or a sender, get the files its hashes describe.
    assert _assert_the_row_names_its_files_as_they_are(delivery).named_count == 2

    # The next worker (or beat's sweep) writes it again, and deletes what the dead one left.
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_lists_forget_hidden_names(delivery_ids=[delivery.pk]) == 1
    rewritten = _assert_the_row_names_its_files_as_they_are(delivery)
    assert _in_folder(delivery) == {rewritten.letter_pdf.name, rewritten.signatures_csv.name}
    with rewritten.signatures_csv.open("rb") as on_file:
        assert [row[:2] for row in csv_rows(on_file.read())] == [
            [staying.first_name, staying.last_name]
        ]

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)
    sent = _assert_the_row_names_its_files_as_they_are(delivery)
    went = attachments(mailoutbox[-1])
    assert hashlib.sha256(went["letter.pdf"]).hexdigest() == sent.letter_sha256
    assert hashlib.sha256(went["signatures.csv"]).hexdigest() == sent.csv_sha256
    call_command("ledger_verify", petition=petition.slug)


@pytest.mark.parametrize("kill", KILLS.values(), ids=KILLS.keys())
def test_a_sender_killed_writing_the_letter_again_leaves_the_letter_its_record_names(
    kill, settings, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 3)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    embassy.title = "Chargé d'affaires par intérim"
    embassy.save()

    with kill(), pytest.raises(SystemExit):
        delivery_send(delivery_id=delivery.pk)

    claimed = _assert_the_row_names_its_files_as_they_are(delivery)
    assert claimed.status == Delivery.Status.SENDING

    # Beat finds its claim run out and sends it again, its letter brought up to date first.
    Delivery.objects.filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_interrupted_resume() == 1

    sent = _assert_the_row_names_its_files_as_they_are(delivery)
    assert sent.status == Delivery.Status.SENT
    assert _in_folder(delivery) == {sent.letter_pdf.name, sent.signatures_csv.name}
    letter = attachments(mailoutbox[-1])["letter.pdf"]
    assert "Chargé d'affaires par intérim" in pdf_text(letter)
    assert hashlib.sha256(letter).hexdigest() == sent.letter_sha256
    call_command("ledger_verify", petition=petition.slug)


def test_a_batch_whose_worker_was_killed_before_recording_its_files_keeps_only_those_it_sends(
    petition, embassy, run, mailoutbox
):
    confirmed_signatures_create(petition, 6)
    with _killed_before_the_row_is_saved(), pytest.raises(SystemExit):
        batches.delivery_batch_create(petition=petition, target=embassy)
    building = Delivery.objects.get(target=embassy)
    assert building.status == Delivery.Status.BUILDING
    assert len(_in_folder(building)) == 2  # the dead worker's, named by no row

    run(petition=petition)

    sent = _assert_the_row_names_its_files_as_they_are(building)
    assert sent.status == Delivery.Status.SENT
    assert _in_folder(sent) == {sent.letter_pdf.name, sent.signatures_csv.name}
    went = attachments(next(m for m in mailoutbox if m.to == [embassy.email]))
    assert hashlib.sha256(went["letter.pdf"]).hexdigest() == sent.letter_sha256
    assert hashlib.sha256(went["signatures.csv"]).hexdigest() == sent.csv_sha256
    call_command("ledger_verify", petition=petition.slug)


def test_files_a_killed_worker_left_beside_a_sent_delivery_go_with_its_own(petition, embassy, run):
    withdrawing, _, _staying = confirmed_signatures_create(petition, 3, named_every=1)
    run(petition=petition)
    sent = Delivery.objects.sent().get(target=embassy)
    # The worker writing the list on file again after an erasure died before its row was
    # saved, leaving its copy beside the one the row names.
    with _killed_before_the_row_is_saved(), pytest.raises(SystemExit):
        delivery_files_forget_signers(signature_ids=[withdrawing.pk])
    assert len(_in_folder(sent)) == 3

    # The embassy's and the ministry's.
    assert delivery_files_purge_expired(now=sent.sent_at + timedelta(days=400)) == 2

    assert _in_folder(sent) == set()


def _sweep_runs() -> int:
    """Run beat's daily sweep of the files left behind, as a worker runs the task.

    Called, not applied: Celery's guard against waiting on a result inside a task is a
    process-wide flag, which a writer's thread running a task meanwhile would raise.
    """
    return delivery_files_left_behind_sweep()


def test_a_list_an_erasure_replaced_but_a_killed_worker_left_is_gone_by_the_daily_sweep(
    petition, embassy, run, django_capture_on_commit_callbacks
):
    erased, staying = confirmed_signatures_create(petition, 2, named_every=1)
    run(petition=petition)
    sent = Delivery.objects.sent().get(target=embassy)
    with (
        _killed_before_deleting_what_it_replaced(),
        pytest.raises(SystemExit),
        django_capture_on_commit_callbacks(execute=True),
    ):
        signer_erase(email=erased.email, actor=None)
    sent = Delivery.objects.get(pk=sent.pk)
    on_file = {sent.letter_pdf.name, sent.signatures_csv.name}
    # Beside the list on file, the one that went still names the erased signer; no one will
    # write this delivery again, and its purge is a year away.
    (left_behind,) = _in_folder(sent) - on_file
    with storages["deliveries"].open(left_behind) as replaced:
        assert erased.last_name in replaced.read().decode("utf-8-sig")
    # And a delivery's folder whose row is gone: a backup restored from before it.
    storages["deliveries"].save("deliveries/987654/signatures-0.csv", ContentFile(b"Nom"))

    # The embassy's list, the ministry's, and the file of no delivery.
    assert _sweep_runs() == 3

    assert _in_folder(sent) == on_file
    assert storages["deliveries"].listdir("deliveries/987654")[1] == []
    with sent.signatures_csv.open("rb") as kept:
        assert [row[:2] for row in csv_rows(kept.read())] == [
            [staying.first_name, staying.last_name]
        ]
    call_command("ledger_verify", petition=petition.slug)
    # Nothing is left for the next day's.
    assert _sweep_runs() == 0


def test_beat_sweeps_the_files_left_behind_at_least_once_a_day(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deliveries-files-left-behind-sweep"]

    assert entry["task"] == delivery_files_left_behind_sweep.name
    assert entry["schedule"] <= 24 * 3600


@pytest.mark.django_db(transaction=True)
def test_the_daily_sweep_passes_by_a_list_being_written_again_and_leaves_the_writer_its_files(
    petition, embassy
):
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    # The list is left to the writer below, not to the worker hiding would queue.
    with mock.patch("deliveries.tasks.delivery_lists_forget_hidden_names_task.apply_async"):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
    stored, go_on, errors = threading.Event(), threading.Event(), []
    save = Delivery.save

    def save_once_the_sweep_has_run(self, *args, **kwargs):
        stored.set()  # its new files are in the folder, not yet named by the row
        go_on.wait(timeout=60)
        return save(self, *args, **kwargs)

    def writer():
        try:
            delivery_lists_forget_hidden_names(delivery_ids=[delivery.pk])
        except BaseException as error:  # reported in the test's own thread
            errors.append(error)
        finally:
            stored.set()
            connection.close()

    with mock.patch.object(Delivery, "save", save_once_the_sweep_has_run):
        thread = threading.Thread(target=writer)
        thread.start()
        stored.wait(timeout=60)
        try:
            in_progress = _in_folder(delivery)
            assert len(in_progress) == 4  # the row's two, and the writer's two
            assert _sweep_runs() == 0
            assert _in_folder(delivery) == in_progress
        finally:
            go_on.set()
            thread.join(timeout=60)
    assert errors == []

    rewritten = _assert_the_row_names_its_files_as_they_are(delivery)
    assert rewritten.named_count == 1

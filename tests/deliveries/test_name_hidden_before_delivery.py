"""A name staff hide leaves every list of names still waiting to go, written again by a worker
and checked again before it goes; a list already delivered cannot be recalled, and staff are
told so."""

import hashlib
import smtplib
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from deliveries import batches
from deliveries.models import Delivery
from deliveries.runs import deliveries_interrupted_resume
from deliveries.sending import delivery_send
from deliveries.tasks import (
    delivery_lists_forget_hidden_names_sweep,
    delivery_lists_forget_hidden_names_task,
)
from petitions.erasure_journal import erasure_journal_entries
from petitions.models import Signature
from petitions.name_review import signatures_name_hide
from staff.models import AccessEvent
from tests.deliveries.factories import confirmed_signatures_create
from tests.deliveries.helpers import attachments, csv_rows, pdf_text
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as
from tests.staff_fixtures import login_verified

NAMES_URL = reverse("admin:petitions_signature_names")
CHANGELIST_URL = reverse("admin:petitions_signature_changelist")


@contextmanager
def _lists_left_to_a_worker():
    """Queue the lists' rewrite for a worker, as production does, and note what was queued."""
    with mock.patch(
        "deliveries.tasks.delivery_lists_forget_hidden_names_task.apply_async"
    ) as publish:
        yield publish


def _queued(publish) -> list[list[int]]:
    """Return the lists each queued rewrite names."""
    return [list(call.kwargs["args"][0]) for call in publish.call_args_list]


def _worker_runs(delivery_ids: list[int]) -> int:
    """Run the rewrite as the worker would, from the message queued."""
    return delivery_lists_forget_hidden_names_task.apply(args=(delivery_ids,)).get()


def _as_on_file(delivery) -> tuple:
    """Return what a delivery holds: its list, letter, hashes, count of names, when rewritten."""
    delivery = Delivery.objects.get(pk=delivery.pk)
    return (
        _on_file(delivery.signatures_csv),
        delivery.csv_sha256,
        _on_file(delivery.letter_pdf),
        delivery.letter_sha256,
        delivery.named_count,
        delivery.files_changed_at,
    )


def _lists_trailed() -> list[tuple[str, str]]:
    """Return what the trail says became of each list of names, beside whoever hid a name."""
    entries = AccessEvent.objects.filter(
        action=AccessEvent.Action.HID_NAMES, target__startswith=f"{Delivery._meta.label} #"
    )
    return sorted(entries.values_list("target", "note"))


def _on_file(field_file) -> bytes:
    with field_file.open("rb") as opened:
        return opened.read()


def _assert_the_list_sent_names_only(email, delivery, *, hidden, staying) -> None:
    """The list the email carried names `staying`, not `hidden`, and is the one on record."""
    went = attachments(email)
    assert hidden.last_name.encode() not in went["signatures.csv"]
    assert staying.last_name.encode() in went["signatures.csv"]
    delivery = Delivery.objects.get(pk=delivery.pk)
    assert delivery.named_count == 1
    assert hashlib.sha256(went["signatures.csv"]).hexdigest() == delivery.csv_sha256


def test_a_name_hidden_leaves_the_list_not_yet_sent_and_the_sent_one_stays_as_delivered(
    client, petition, embassy, ministry, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    with django_capture_on_commit_callbacks(execute=True):
        sent = batches.delivery_batch_create(petition=petition, target=embassy)
    sent.refresh_from_db()
    waiting = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    sent_list, sent_hash = _on_file(sent.signatures_csv), sent.csv_sha256
    assert hidden.last_name.encode() in _on_file(waiting.signatures_csv)

    logged_in_as(client, PETITION_MANAGERS)
    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        page = client.post(NAMES_URL, {"hide": hidden.pk}, follow=True).content.decode()
    assert "1 liste pas encore envoyée est en cours de réécriture sans ces noms" in page
    assert "une liste déjà remise ne peut pas être rappelée" in page
    assert _queued(publish) == [[waiting.pk]]
    _worker_runs(*_queued(publish))

    # The list waiting for the ministry no longer names them; its letter and proof agree.
    waiting = Delivery.objects.get(pk=waiting.pk)
    names = [row[:2] for row in csv_rows(_on_file(waiting.signatures_csv))]
    assert names == [[staying.first_name, staying.last_name]]
    assert waiting.named_count == 1
    assert hashlib.sha256(_on_file(waiting.signatures_csv)).hexdigest() == waiting.csv_sha256
    assert hashlib.sha256(_on_file(waiting.letter_pdf)).hexdigest() == waiting.letter_sha256
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=waiting.pk)
    went = attachments(mailoutbox[-1])
    assert hidden.last_name.encode() not in went["signatures.csv"]
    assert "1 of these signers asked to be named" in pdf_text(went["letter.pdf"])

    # The embassy has the list it was sent: the copy on file stays what it received.
    sent = Delivery.objects.get(pk=sent.pk)
    assert (_on_file(sent.signatures_csv), sent.csv_sha256) == (sent_list, sent_hash)
    assert _lists_trailed() == sorted(
        [
            (f"deliveries.Delivery #{waiting.pk}", AccessEvent.Note.LIST_NOT_YET_SENT_REWRITTEN),
            (f"deliveries.Delivery #{sent.pk}", AccessEvent.Note.LIST_SENT_NOT_RECALLED),
        ]
    )
    # The worker and the check before sending act for no one; the name was hidden by staff.
    lists = AccessEvent.objects.filter(target__startswith="deliveries.Delivery #")
    assert set(lists.values_list("actor", flat=True)) == {None}


def test_hiding_names_in_the_admin_returns_without_writing_a_list_and_says_a_worker_will(
    client, petition, embassy, ministry, django_capture_on_commit_callbacks
):
    hidden, other, _staying = confirmed_signatures_create(petition, 3, named_every=1)
    waiting = [
        batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
        for target in (embassy, ministry)
    ]
    before = [_as_on_file(delivery) for delivery in waiting]

    logged_in_as(client, PETITION_MANAGERS)
    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            CHANGELIST_URL,
            {"action": "hide_names", "_selected_action": [hidden.pk, other.pk]},
            follow=True,
        ).content.decode()

    # The names are hidden, and journaled, as the request returns...
    hiding = Signature.objects.filter(pk__in=[hidden.pk, other.pk])
    assert set(hiding.values_list("name_review", flat=True)) == {Signature.NameReview.HIDDEN}
    assert "2 noms masqués." in page
    # ...but the lists that name them are left as they were, for a worker told which.
    assert [_as_on_file(delivery) for delivery in waiting] == before
    assert _queued(publish) == [sorted(delivery.pk for delivery in waiting)]
    assert _lists_trailed() == []
    assert "2 listes pas encore envoyées sont en cours de réécriture sans ces noms" in page


def test_the_worker_writes_each_list_not_yet_sent_again_whole_and_only_once(
    petition, embassy, ministry, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    waiting = [
        batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
        for target in (embassy, ministry)
    ]
    assert "2 of these signers asked to be named" in pdf_text(_on_file(waiting[1].letter_pdf))
    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
    [queued] = _queued(publish)

    assert _worker_runs(queued) == 2

    for delivery in waiting:
        delivery = Delivery.objects.get(pk=delivery.pk)
        names = [row[:2] for row in csv_rows(_on_file(delivery.signatures_csv))]
        assert names == [[staying.first_name, staying.last_name]]
        assert delivery.named_count == 1
        assert hashlib.sha256(_on_file(delivery.signatures_csv)).hexdigest() == delivery.csv_sha256
        assert hashlib.sha256(_on_file(delivery.letter_pdf)).hexdigest() == delivery.letter_sha256
    ministry_letter = pdf_text(_on_file(Delivery.objects.get(pk=waiting[1].pk).letter_pdf))
    assert "1 of these signers asked to be named" in ministry_letter
    assert _lists_trailed() == [
        (f"deliveries.Delivery #{delivery.pk}", AccessEvent.Note.LIST_NOT_YET_SENT_REWRITTEN)
        for delivery in waiting
    ]

    # A message delivered twice, or run again after a crash, finds the lists up to date.
    rewritten = [_as_on_file(delivery) for delivery in waiting]
    assert _worker_runs(queued) == 0
    assert [_as_on_file(delivery) for delivery in waiting] == rewritten
    assert len(_lists_trailed()) == 2


def test_the_download_of_a_list_rewritten_after_a_name_was_hidden_counts_what_it_holds(
    client, petition, ministry, verified_staff_user, django_capture_on_commit_callbacks
):
    first_named, *_ = confirmed_signatures_create(petition, 6)  # two ask to be named
    waiting = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    with django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=first_named.pk))
    login_verified(client, verified_staff_user)

    signers = client.get(reverse("admin:deliveries_delivery_signatures", args=[waiting.pk]))

    names = csv_rows(b"".join(signers.streaming_content))
    event = AccessEvent.objects.get(action=AccessEvent.Action.EXPORTED_SIGNATURES)
    assert event.row_count == len(names) == 1


def test_a_name_hidden_while_the_list_was_being_sent_leaves_it_when_the_server_says_later(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)

    def hidden_mid_send(*_args, **_kwargs):
        # Staff hide the name while the embassy's server is being talked to; it says "later".
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
        raise smtplib.SMTPRecipientsRefused({embassy.email: (451, b"4.7.1 Try again later")})

    with mock.patch("django.core.mail.EmailMessage.send", side_effect=hidden_mid_send):
        assert delivery_send(delivery_id=delivery.pk) is False

    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.READY
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)
    assert _lists_trailed() == [
        (f"deliveries.Delivery #{delivery.pk}", AccessEvent.Note.LIST_BEING_SENT_NOT_RECALLED),
        (f"deliveries.Delivery #{delivery.pk}", AccessEvent.Note.LIST_REWRITTEN_BEFORE_SENDING),
    ]


def test_a_list_sent_before_the_worker_wrote_it_again_names_no_one_hidden(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
    assert _queued(publish) == [[delivery.pk]]  # and the worker has not run yet

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)
    # The worker, come late, finds the list gone: nothing to write again.
    assert _worker_runs([delivery.pk]) == 0
    assert _lists_trailed() == [
        (f"deliveries.Delivery #{delivery.pk}", AccessEvent.Note.LIST_REWRITTEN_BEFORE_SENDING)
    ]


def test_a_list_the_worker_failed_to_write_again_is_written_again_before_it_goes(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
    full_disk = mock.patch(
        "deliveries.file_writing.delivery_files_write", side_effect=OSError(28, "full")
    )
    with full_disk, pytest.raises(OSError):
        _worker_runs(*_queued(publish))

    with django_capture_on_commit_callbacks(execute=True):
        assert delivery_send(delivery_id=delivery.pk)

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)


def test_a_name_hidden_while_a_sender_that_then_died_held_the_list_leaves_it_before_the_resend(
    settings, petition, embassy, mailoutbox, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    # A sender claimed it and was killed before the server answered.
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING,
        claimed_at=timezone.now() - timedelta(seconds=settings.DELIVERY_SEND_CLAIM_SECONDS + 1),
    )
    signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))

    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_interrupted_resume() == 1

    _assert_the_list_sent_names_only(mailoutbox[-1], delivery, hidden=hidden, staying=staying)


def test_a_name_is_hidden_and_journaled_even_when_no_worker_can_be_told_of_the_lists(
    settings, tmp_path, client, petition, embassy, django_capture_on_commit_callbacks
):
    settings.ERASURE_JOURNAL_ROOT = tmp_path / "erasure-journal"
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    logged_in_as(client, PETITION_MANAGERS)

    broker_down = mock.patch(
        "deliveries.tasks.delivery_lists_forget_hidden_names_task.apply_async",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        answer = client.post(NAMES_URL, {"hide": hidden.pk}, follow=True)

    # Staff see it done: the check before sending keeps the name out of the list that goes.
    assert answer.status_code == 200
    # The name is hidden in the database; without its line, restoring a backup names it again.
    assert Signature.objects.get(pk=hidden.pk).name_review == Signature.NameReview.HIDDEN
    assert [entry.signature_id for entry in erasure_journal_entries()] == [hidden.pk]


def _sweep_runs() -> int:
    """Run beat's sweep of the lists not yet sent, as beat would."""
    return delivery_lists_forget_hidden_names_sweep.apply().get()


def test_a_list_whose_worker_was_never_told_loses_the_hidden_name_at_the_next_sweep(
    client, petition, embassy, ministry, django_capture_on_commit_callbacks
):
    hidden, staying = confirmed_signatures_create(petition, 2, named_every=1)
    waiting = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    untouched = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    Delivery.objects.filter(pk=untouched.pk).update(
        status=Delivery.Status.SENT, sent_at=timezone.now()
    )
    sent_before = _as_on_file(untouched)
    logged_in_as(client, PETITION_MANAGERS)
    broker_down = mock.patch(
        "deliveries.tasks.delivery_lists_forget_hidden_names_task.apply_async",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    )
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        client.post(NAMES_URL, {"hide": hidden.pk}, follow=True)
    # No worker will come: staff downloading the list now would read the hidden name.
    assert hidden.last_name.encode() in _on_file(Delivery.objects.get(pk=waiting.pk).signatures_csv)

    assert _sweep_runs() == 1

    waiting = Delivery.objects.get(pk=waiting.pk)
    names = [row[:2] for row in csv_rows(_on_file(waiting.signatures_csv))]
    assert names == [[staying.first_name, staying.last_name]]
    assert waiting.named_count == 1
    assert hashlib.sha256(_on_file(waiting.signatures_csv)).hexdigest() == waiting.csv_sha256
    assert hashlib.sha256(_on_file(waiting.letter_pdf)).hexdigest() == waiting.letter_sha256
    # The list already delivered stays what the ministry received.
    assert _as_on_file(untouched) == sent_before
    assert _lists_trailed() == sorted(
        [
            (f"deliveries.Delivery #{untouched.pk}", AccessEvent.Note.LIST_SENT_NOT_RECALLED),
            (f"deliveries.Delivery #{waiting.pk}", AccessEvent.Note.LIST_NOT_YET_SENT_REWRITTEN),
        ]
    )

    # The next sweep finds every list up to date and writes nothing.
    rewritten = _as_on_file(waiting)
    assert _sweep_runs() == 0
    assert _as_on_file(waiting) == rewritten
    assert len(_lists_trailed()) == 2


def test_with_no_name_hidden_since_the_sweep_touches_no_list_in_one_query(
    petition, embassy, ministry, django_assert_num_queries, django_capture_on_commit_callbacks
):
    hidden, _staying, _third = confirmed_signatures_create(petition, 3, named_every=1)
    # A name hidden before the lists were written: they never named it.
    with django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))
    waiting = [
        batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
        for target in (embassy, ministry)
    ]
    before = [_as_on_file(delivery) for delivery in waiting]

    with (
        mock.patch("django.core.files.storage.Storage.open") as file_opened,
        mock.patch("django.core.files.storage.Storage.save") as file_saved,
        django_assert_num_queries(1),
    ):
        assert _sweep_runs() == 0

    file_opened.assert_not_called()
    file_saved.assert_not_called()
    assert [_as_on_file(delivery) for delivery in waiting] == before
    assert _lists_trailed() == []


def test_beat_sweeps_the_lists_not_yet_sent_every_quarter_of_an_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["deliveries-lists-forget-hidden-names"]

    assert entry["task"] == delivery_lists_forget_hidden_names_sweep.name
    assert entry["schedule"] == settings.DELIVERY_LISTS_SWEEP_MINUTES * 60 == 15 * 60


def test_staff_hiding_a_name_a_list_being_sent_carries_are_told_it_goes_as_it_is(
    client, petition, embassy, ministry, django_capture_on_commit_callbacks
):
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    being_sent = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    waiting = batches.delivery_batch_create(petition=petition, target=ministry, queue_send=False)
    # A sender holds the embassy's list: the server is being talked to.
    Delivery.objects.filter(pk=being_sent.pk).update(
        status=Delivery.Status.SENDING, claimed_at=timezone.now()
    )
    logged_in_as(client, PETITION_MANAGERS)

    with _lists_left_to_a_worker() as publish, django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            NAMES_URL, {"hide": hidden.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    # Only the ministry's list is written again; the embassy's is not said to be.
    assert _queued(publish) == [[waiting.pk]]
    assert "1 list not yet sent is being written again without these names" in page
    assert "1 list naming them was being sent at that moment: it goes as it is" in page
    assert "2 lists not yet sent" not in page


def test_petitions_names_the_status_of_a_delivery_being_sent_as_deliveries_does():
    from petitions.selectors import DELIVERY_BEING_SENT

    assert DELIVERY_BEING_SENT == Delivery.Status.SENDING


def test_without_a_broker_a_rewrite_that_fails_is_logged_as_failed_not_as_never_queued(
    caplog, petition, embassy, django_capture_on_commit_callbacks
):
    # `make run`: no broker, so the worker's task runs in the request that hid the name.
    assert delivery_lists_forget_hidden_names_task.app.conf.task_always_eager
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    waiting = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    full_disk = mock.patch(
        "deliveries.file_writing.delivery_files_write", side_effect=OSError(28, "full")
    )

    with full_disk, django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))

    logged = [record for record in caplog.records if record.name == "deliveries.tasks"]
    assert [record.getMessage() for record in logged] == [
        f"The rewrite of lists [{waiting.pk}] without a hidden name failed in this process; "
        "beat's sweep tries again, and each is written again before it is sent."
    ]
    assert logged[0].exc_info[0] is OSError


def test_with_a_broker_out_of_reach_the_rewrite_is_logged_as_not_queued(
    caplog, monkeypatch, petition, embassy, django_capture_on_commit_callbacks
):
    # Production: a worker takes the task from the broker, which is out of reach.
    celery_conf = delivery_lists_forget_hidden_names_task.app.conf
    monkeypatch.setitem(celery_conf, "task_always_eager", False)
    hidden, _staying = confirmed_signatures_create(petition, 2, named_every=1)
    waiting = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    broker_down = mock.patch(
        "deliveries.tasks.delivery_lists_forget_hidden_names_task.apply_async",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    )

    with broker_down, django_capture_on_commit_callbacks(execute=True):
        signatures_name_hide(actor=None, signatures=petition.signatures.filter(pk=hidden.pk))

    logged = [record for record in caplog.records if record.name == "deliveries.tasks"]
    assert [record.getMessage() for record in logged] == [
        f"The rewrite of lists [{waiting.pk}] without a hidden name not queued; beat's sweep "
        "tries again, and each is written again before it is sent."
    ]


def test_without_a_broker_a_sending_that_fails_is_logged_as_failed_not_as_never_queued(
    caplog, petition, embassy, django_capture_on_commit_callbacks
):
    confirmed_signatures_create(petition, 2, named_every=1)
    full_disk = mock.patch(
        "deliveries.sending.delivery_list_bring_up_to_date", side_effect=OSError(28, "full")
    )

    with full_disk, django_capture_on_commit_callbacks(execute=True):
        delivery = batches.delivery_batch_create(petition=petition, target=embassy)

    logged = [record for record in caplog.records if record.name == "deliveries.tasks"]
    assert [record.getMessage() for record in logged] == [
        f"The sending of delivery {delivery.pk} failed in this process; the next run sends it."
    ]
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.READY

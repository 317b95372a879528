"""With a real Celery worker and a real SMTP server: an approved update reaches each signer who
asked for news once, in their language, and the one-click unsubscribe stops the next one."""

import re

import pytest

from tests.celery_worker import task_publish, wait_for
from tests.factories import SignatureFactory
from tests.updates.conftest import news_signer
from updates import approval, sending, tasks
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db(transaction=True)


def _approved_and_sent(broker, update, writer) -> None:
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)
    task_publish(broker, tasks.update_send_task, update.pk)


def _sent(update) -> bool:
    return SupporterUpdate.objects.get(pk=update.pk).status == SupporterUpdate.Status.SENT


def test_a_real_worker_sends_an_approved_update_once_to_each_signer_who_asked(
    update, writer, petition, broker, worker, smtp_sink, client, settings
):
    readers = {f"reader{n}@example.org": ("en" if n % 3 == 0 else "fr") for n in range(30)}
    for address, language in readers.items():
        news_signer(petition, address, language=language)
    SignatureFactory.create_batch(5, petition=petition, confirmed=True)  # no news asked
    unapproved = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Pas encore relue", body_fr="<p>…</p>", created_by=writer
    )

    _approved_and_sent(broker, update, writer)

    wait_for(lambda: _sent(update) and len(smtp_sink.messages) >= 30, what="the update", log=worker)
    received = {message["To"]: message for message in smtp_sink.messages}
    assert len(smtp_sink.messages) == 30 and set(received) == set(readers)
    for address, message in received.items():
        expected = "News of Mamat" if readers[address] == "en" else "Des nouvelles de Mamat"
        assert message["Subject"] == expected
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert not unapproved.recipients.exists()  # never submitted, never approved: nothing sent

    # One reader presses their mail client's "unsubscribe": a POST to the header's URL.
    leaving = "reader1@example.org"
    link = re.search(r"<https?://[^/]+(/\S+/)>", received[leaving]["List-Unsubscribe"]).group(1)
    assert client.post(link, {"List-Unsubscribe": "One-Click"}).status_code == 200
    smtp_sink.messages.clear()
    settings.UPDATE_WEEKLY_DAYS = 0
    following = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Encore des nouvelles", body_fr="<p>…</p>", created_by=writer
    )

    _approved_and_sent(broker, following, writer)

    wait_for(lambda: _sent(following), what="the second update", log=worker)
    assert {message["To"] for message in smtp_sink.messages} == set(readers) - {leaving}

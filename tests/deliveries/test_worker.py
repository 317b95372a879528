"""With a real Celery worker and a real SMTP server: 1,000 signatures reach each target once.

The worker is started on the test database, takes its tasks from Redis (database 8) and sends
through SMTP to a server that this test runs (aiosmtpd), so that every step crosses a real
process boundary, as in production.
"""

import email
import time

import pytest

from deliveries import tasks
from deliveries.models import Delivery
from tests.celery_worker import BROKER_URL, wait_for
from tests.deliveries.factories import DeliveryScheduleFactory, confirmed_signatures_create
from tests.deliveries.helpers import csv_rows, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def attachment_bytes(message: email.message.EmailMessage) -> dict[str, bytes]:
    return {
        part.get_filename().rpartition("-")[2]: part.get_payload(decode=True)
        for part in message.iter_attachments()
    }


def run_due(app) -> None:
    """Queue the beat task on the test broker, as beat would."""
    with app.connection_for_write(BROKER_URL) as connection_:
        tasks.deliveries_run_due.apply_async(connection=connection_)


def test_a_real_worker_delivers_each_signature_once_to_each_target(
    petition, embassy, ministry, broker, worker, smtp_sink
):
    schedule = DeliveryScheduleFactory(petition=petition, every_days=None, threshold=1)
    signatures = confirmed_signatures_create(petition, 1000)
    named = {(s.first_name, s.last_name) for s in signatures if s.name_in_delivery}

    run_due(broker)

    wait_for(
        lambda: Delivery.objects.sent().count() == 2 and len(smtp_sink.messages) == 2,
        what="the first two deliveries",
        log=worker,
    )
    for target in (embassy, ministry):
        (message,) = smtp_sink.to(target.email)
        files = attachment_bytes(message)
        rows = csv_rows(files["signatures.csv"])
        assert {(first, last) for first, last, _country in rows} == named
        assert len(rows) == len(named) == 334
        delivery = Delivery.objects.get(target=target)
        assert (delivery.total_count, delivery.named_count) == (1000, 334)
        assert delivery.counts_by_country == {"DE": 200, "FR": 200, "KZ": 200, "TR": 200, "US": 200}
        letter = pdf_text(files["letter.pdf"])
        assert "1000" in letter
        assert "Kazakhstan 200" in letter
    # The Chinese-speaking target's letter is in English for now.
    assert "1000 new signatures" in pdf_text(
        attachment_bytes(smtp_sink.to(ministry.email)[0])["letter.pdf"]
    )

    # Running the schedule again sends nothing.
    schedule.refresh_from_db()
    last_run = schedule.last_run_at
    run_due(broker)
    wait_for(
        lambda: type(schedule).objects.get(pk=schedule.pk).last_run_at != last_run,
        what="the second run",
        log=worker,
    )
    time.sleep(1)
    assert Delivery.objects.count() == 2
    assert len(smtp_sink.messages) == 2

    # Ten more confirmed signatures make a next delivery with exactly those ten.
    later = confirmed_signatures_create(petition, 10)
    run_due(broker)
    wait_for(
        lambda: Delivery.objects.sent().count() == 4 and len(smtp_sink.messages) == 4,
        what="the next two deliveries",
        log=worker,
    )
    for target in (embassy, ministry):
        delivery = Delivery.objects.filter(target=target).latest("pk")
        assert set(delivery.delivered_signatures.values_list("signature", flat=True)) == {
            s.pk for s in later
        }
        assert (delivery.total_count, delivery.cumulative_count) == (10, 1010)
        rows = csv_rows(attachment_bytes(smtp_sink.to(target.email)[-1])["signatures.csv"])
        assert {(first, last) for first, last, _country in rows} == {
            (s.first_name, s.last_name) for s in later if s.name_in_delivery
        }

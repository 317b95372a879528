"""The worker killed (SIGKILL, as the out-of-memory killer does) in the middle of sending."""

from deliveries.models import Delivery
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from tests.faults.conftest import (
    TARGET_EMAIL,
    Signers,
    every_stored_signer_mailed_once,
    everyone_confirmed_is_delivered_once,
    signatures_confirm_all,
    wait_for,
)


def test_a_worker_killed_while_a_confirmation_is_on_the_wire_leaves_nothing_unsent(
    site, petition, smtp_sink
):
    smtp_sink.data_hold = lambda addresses: 8.0 if "held@example.org" in addresses else 0.0
    signers = Signers(base_url=site.url, slug=petition.slug)
    for address in ("early@example.org", "held@example.org"):
        assert signers.sign(address).acknowledged
    wait_for(smtp_sink.holding.is_set, what="the held message on the wire")

    site.worker_kill()
    assert signers.sign("while-dead@example.org").acknowledged
    smtp_sink.data_hold = lambda addresses: 0.0
    site.worker_start()

    every_stored_signer_mailed_once(smtp_sink, copies_allowed=2)
    held = Signature.objects.get(mailbox_hash=mailbox_hash("held@example.org"))
    assert held.confirmation_send_count == 1
    everyone_confirmed_is_delivered_once(petition, smtp_sink)


def test_a_worker_killed_while_a_delivery_is_on_the_wire_delivers_it_once(
    site, petition, smtp_sink
):
    signers = Signers(base_url=site.url, slug=petition.slug)
    for number in range(5):
        assert signers.sign(f"signer-{number}@example.org").acknowledged
    every_stored_signer_mailed_once(smtp_sink)
    smtp_sink.data_hold = lambda addresses: 8.0 if TARGET_EMAIL in addresses else 0.0
    smtp_sink.holding.clear()
    signatures_confirm_all()
    petition.delivery_schedule.is_active = True
    petition.delivery_schedule.save()
    wait_for(smtp_sink.holding.is_set, what="the delivery on the wire")

    site.worker_kill()
    smtp_sink.data_hold = lambda addresses: 0.0
    site.worker_start()

    everyone_confirmed_is_delivered_once(petition, smtp_sink)
    [delivery] = Delivery.objects.all()
    assert delivery.status == Delivery.Status.SENT

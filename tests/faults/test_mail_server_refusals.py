"""Mail servers on a bad day: greylisting for a while, and an address that does not exist."""

import time

from django.contrib.auth.models import Group, User

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
from tests.smtp_sink import greylisting_until


def test_a_server_answering_451_for_a_while_then_250_gets_every_email_once(
    site, petition, smtp_sink
):
    smtp_sink.rcpt_reply = greylisting_until(time.monotonic() + 6)
    signers = Signers(base_url=site.url, slug=petition.slug)

    for number in range(12):
        assert signers.sign(f"greylisted-{number}@university.example").acknowledged

    every_stored_signer_mailed_once(smtp_sink)
    assert all(smtp_sink.rcpt_attempts[address] >= 2 for address in signers.acknowledged())
    assert not Signature.objects.exclude(email_status=Signature.EmailStatus.SENT).exists()
    # The delivery meets the greylist too, and is sent once when it lifts.
    smtp_sink.rcpt_reply = greylisting_until(time.monotonic() + 4)
    everyone_confirmed_is_delivered_once(petition, smtp_sink)
    assert smtp_sink.rcpt_attempts[TARGET_EMAIL] >= 2


def test_an_address_refused_with_550_is_recorded_and_never_tried_again(site, petition, smtp_sink):
    smtp_sink.rcpt_reply = lambda address: (
        "550 5.1.1 No such user here" if address.startswith("nobody") else None
    )
    signers = Signers(base_url=site.url, slug=petition.slug)

    for address in ("nobody@example.org", "aynur@example.org", "ilham@example.org"):
        assert signers.sign(address).acknowledged

    wait_for(
        lambda: (
            Signature.objects.filter(email_status=Signature.EmailStatus.REJECTED).exists()
            and set(smtp_sink.recipients()) == {"aynur@example.org", "ilham@example.org"}
        ),
        what="two emails sent and one refused",
    )
    time.sleep(4)  # sweeps every second: none may try the refused address again
    refused = Signature.objects.get(mailbox_hash=mailbox_hash("nobody@example.org"))
    assert refused.email_error == "550 5.1.1 No such user here"
    assert smtp_sink.rcpt_attempts["nobody@example.org"] == 1
    assert sorted(smtp_sink.recipients()) == ["aynur@example.org", "ilham@example.org"]


def test_a_delivery_refused_for_good_fails_and_tells_the_managers(site, petition, smtp_sink):
    manager = User.objects.create_user("manager", email="manager@campaign.example")
    # The migration's groups are gone: a transactional test empties every table first.
    managers, _created = Group.objects.get_or_create(name="Petition managers")
    manager.groups.add(managers)
    smtp_sink.rcpt_reply = lambda address: (
        "550 5.1.1 Unknown recipient" if address == TARGET_EMAIL else None
    )
    signers = Signers(base_url=site.url, slug=petition.slug)
    assert signers.sign("aynur@example.org").acknowledged
    every_stored_signer_mailed_once(smtp_sink)
    signatures_confirm_all()

    petition.delivery_schedule.is_active = True
    petition.delivery_schedule.save()

    failed = wait_for(
        lambda: Delivery.objects.filter(status=Delivery.Status.FAILED).first(),
        what="the delivery to fail",
    )
    assert failed.error == "550 5.1.1 Unknown recipient"
    wait_for(lambda: smtp_sink.to("manager@campaign.example"), what="the managers' notice")
    [notice] = smtp_sink.to("manager@campaign.example")
    assert "550 5.1.1 Unknown recipient" in notice.get_content()
    assert smtp_sink.rcpt_attempts[TARGET_EMAIL] == 1

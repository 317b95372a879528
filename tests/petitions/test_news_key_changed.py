"""After NEWS_ADDRESS_KEY is changed (docs/operations.md, a leak), what was boxed under the old
key no longer opens: exports still run, and news emails skip those signers and reach the rest."""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import override_settings

from deliveries import batches, notices, sending
from deliveries.models import DeliveryNotice
from petitions import sealing
from petitions.models import Signature
from tests.deliveries.factories import address_approved
from tests.factories import PetitionFactory, SignatureFactory, TargetFactory
from tests.petitions.factories_staff import csv_rows
from tests.updates.conftest import approver_create, news_signer
from tests.updates.factories import update_approved
from updates import sending as update_sending
from updates.models import SupporterUpdate, UpdateRecipient

pytestmark = pytest.mark.django_db
NEW_KEY = "a-new-news-address-key-after-the-leak-of-the-old-one"


@pytest.fixture
def petition(settings, tmp_path):
    settings.DELIVERY_FILES_ROOT = tmp_path / "deliveries"
    embassy = address_approved(
        TargetFactory(
            organisation="Ambassade de Chine en France",
            email="embassy@embassy.test",
            language="fr",
        )
    )
    return PetitionFactory(slug="liberez-mamat", targets=[embassy])


def test_the_export_still_writes_every_row_when_a_news_address_was_boxed_under_the_old_key(
    petition, capsysbinary
):
    SignatureFactory(
        petition=petition, confirmed=True, email="aynur@example.org", newsletter_opt_in=True
    )
    SignatureFactory(petition=petition, confirmed=True, email="ilham@example.org")
    sealing.signatures_seal_due()  # the first one's address boxed under the old key
    with override_settings(NEWS_ADDRESS_KEY=NEW_KEY):
        call_command(
            "export_signatures", petition="liberez-mamat", output="-", stdout=io.StringIO()
        )

    _header, *rows = csv_rows(capsysbinary.readouterr().out)
    still_sealed = "scellées\N{NO-BREAK SPACE}: vides sans la clé des responsables des données"
    # The email blank, as sealing left it, and the last cell says why: the data officers' key
    # still opens the address in the sealed copy.
    assert [(row[2], row[9], row[12]) for row in rows] == [
        ("", "oui", still_sealed),
        ("", "non", still_sealed),
    ]


def test_a_delivery_notice_skips_a_signer_whose_news_address_no_longer_opens(
    petition, caplog, mailoutbox
):
    old = news_signer(petition, "aynur@example.org")
    with override_settings(NEWS_ADDRESS_KEY=NEW_KEY):
        news_signer(petition, "james@example.org")  # subscribed again since the change
        delivery = batches.delivery_batch_create(
            petition=petition, target=petition.targets.get(), queue_send=False
        )
        sending.delivery_send(delivery_id=delivery.pk)
        assert notices.delivery_notices_create(delivery_id=delivery.pk) == 2
        mailoutbox.clear()
        with caplog.at_level(logging.WARNING, logger="deliveries.notices"):
            assert notices.delivery_notices_send() == 1

    assert [m.to for m in mailoutbox] == [["james@example.org"]]
    skipped = DeliveryNotice.objects.get(signature=old)
    assert skipped.status == DeliveryNotice.Status.FAILED
    assert "aynur" not in caplog.text and NEW_KEY not in caplog.text
    assert f"Delivery notice {skipped.pk} not sent" in caplog.text


def test_an_update_skips_a_signer_whose_news_address_no_longer_opens(
    petition, caplog, mailoutbox, django_capture_on_commit_callbacks
):
    writer = approver_create("camille")
    update = update_approved(petition=petition, writer=writer)
    old = news_signer(petition, "aynur@example.org")
    with override_settings(NEWS_ADDRESS_KEY=NEW_KEY):
        news_signer(petition, "james@example.org")
        with (
            caplog.at_level(logging.WARNING, logger="updates.sending"),
            django_capture_on_commit_callbacks(execute=True),
        ):
            update_sending.update_send_start(update=update, actor=writer)

    update.refresh_from_db()
    assert [m.to for m in mailoutbox] == [["james@example.org"]]
    assert update.status == SupporterUpdate.Status.SENT
    skipped = UpdateRecipient.objects.get(update=update, signature=old)
    assert skipped.status == UpdateRecipient.Status.SKIPPED
    assert "aynur" not in caplog.text and NEW_KEY not in caplog.text
    assert f"skips recipient {skipped.pk}" in caplog.text
    assert Signature.objects.get(pk=old.pk).news_address is not None

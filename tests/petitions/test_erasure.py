"""A person asks to be forgotten: by the link in their email, or through a data officer."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime

from deliveries.models import DeliveredSignature, Delivery, DeliveryNotice
from petitions import erasure, signature_links
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import DATA_OFFICERS, PETITION_MANAGERS, logged_in_as
from updates.models import SupporterUpdate, UpdateRecipient

pytestmark = pytest.mark.django_db
ERASE_URL = reverse("admin:petitions_signature_erase")
ADDRESS = "aynurtursun@gmail.com"


@pytest.fixture
def officer_client(client):
    logged_in_as(client, DATA_OFFICERS)
    return client


def _signed_everywhere(count: int = 2) -> list[Signature]:
    return [
        SignatureFactory(
            petition=PetitionFactory(),
            confirmed=True,
            first_name="Aynur",
            last_name="Tursun",
            email="Aynur.Tursun@gmail.com",
            mailbox_hash=mailbox_hash(ADDRESS),
            postcode="75011",
            comment="My brother is held in Ghulja.",
            ip_hash="a" * 64,
            referral_code="abc123",
            name_in_delivery=True,
            show_first_name=True,
        )
        for _ in range(count)
    ]


def test_a_data_officer_erases_a_person_on_every_petition_after_confirming(officer_client):
    signatures = _signed_everywhere()
    someone_else = SignatureFactory(confirmed=True)

    lookup = officer_client.post(ERASE_URL, {"email": "aynur.tursun+camp@gmail.com"})
    assert lookup.context["matches"] == 2
    assert Signature.objects.filter(first_name="Aynur").count() == 2  # nothing erased yet

    response = officer_client.post(ERASE_URL, {"email": "aynur.tursun@gmail.com", "confirm": "yes"})

    assert response.status_code == 302
    for signature in signatures:
        signature.refresh_from_db()
        assert (signature.first_name, signature.last_name) == ("", "")
        assert signature.email == ""
        assert re.fullmatch(r"erased-[0-9a-f]{32}", signature.mailbox_hash)
        assert signature.sealed_data is None
        assert (signature.postcode, signature.comment, signature.ip_hash) == ("", "", "")
        assert signature.referral_code == ""
        assert not (signature.name_in_delivery or signature.show_first_name)
        assert signature.erased_at is not None
    someone_else.refresh_from_db()
    assert someone_else.erased_at is None


def test_an_address_with_accents_in_its_domain_is_shown_as_the_person_wrote_it(officer_client):
    SignatureFactory(confirmed=True, mailbox_hash=mailbox_hash("gulnar@exämple.fr"))

    # What a browser's email field sends for "gulnar@exämple.fr".
    lookup = officer_client.post(ERASE_URL, {"email": "gulnar@xn--exmple-cua.fr"})

    assert lookup.context["matches"] == 1
    assert "gulnar@exämple.fr a donné 1 signature" in " ".join(lookup.content.decode().split())


def test_erasure_keeps_counts_and_delivery_records_true(officer_client):
    (signature,) = _signed_everywhere(1)
    petition = signature.petition
    target = petition.targets.get()
    delivery = Delivery.objects.create(
        petition=petition,
        target=target,
        language="fr",
        reference="ref",
        total_count=1,
        named_count=1,
    )
    DeliveredSignature.objects.create(delivery=delivery, signature=signature, target=target)
    before = (signature.status, signature.country, signature.created_at, signature.confirmed_at)

    erasure.signer_erase(email=ADDRESS, actor=None)

    signature.refresh_from_db()
    assert (signature.status, signature.country, signature.created_at, signature.confirmed_at) == (
        before
    )
    assert Signature.objects.confirmed().filter(petition=petition).count() == 1
    assert DeliveredSignature.objects.filter(delivery=delivery, signature=signature).exists()


def test_before_erasing_the_officer_learns_which_deliveries_gave_the_name_away(officer_client):
    named_on_one, named_on_other = _signed_everywhere(2)
    sent_at = timezone.now() - timedelta(days=40)
    for signature, counts_only in ((named_on_one, False), (named_on_other, True)):
        target = signature.petition.targets.get()
        delivery = Delivery.objects.create(
            petition=signature.petition,
            target=target,
            language="fr",
            reference=f"ref-{signature.pk}",
            counts_only=counts_only,
            status=Delivery.Status.SENT,
            sent_at=sent_at,
            # Recorded with "sent", as deliveries.sending does.
            recipient_name_fr="Ambassadeur de Chine en France",
            recipient_organisation_fr="Ambassade de Chine en France",
        )
        DeliveredSignature.objects.create(delivery=delivery, signature=signature, target=target)
        target.organisation = "Ambassade de la République populaire de Chine en France"
        target.save()

    lookup = officer_client.post(ERASE_URL, {"email": ADDRESS})

    # The list of names went to one recipient, named as it then was; the other delivery
    # carried only counts.
    assert [row["name"] for row in lookup.context["named_deliveries"]] == [
        "Ambassadeur de Chine en France"
    ]
    page = lookup.content.decode()
    assert "Son nom a déjà été remis aux autorités" in page
    day = date_format(localtime(sent_at), "DATE_FORMAT")
    assert f"Remis le {day}, destinataire\u00a0: Ambassade de Chine en France" in page
    assert "République populaire" not in page


def test_the_trail_records_the_erasure_without_the_address(officer_client):
    _signed_everywhere()

    officer_client.post(ERASE_URL, {"email": ADDRESS, "confirm": "yes"})

    event = AccessEvent.objects.get(action=AccessEvent.Action.ERASED_SIGNER)
    assert (event.actor_username, event.row_count) == ("data-officers", 2)
    assert event.query == {"email_hmac": erasure.email_fingerprint(ADDRESS)}
    every_entry = str(list(AccessEvent.objects.values()))
    assert "tursun" not in every_entry.lower()


def test_an_erased_signers_old_links_no_longer_reach_the_row():
    (signature,) = _signed_everywhere(1)
    confirm_token = signature_links.confirmation_token_make(signature=signature)
    withdraw_token = signature_links.withdrawal_token_make(signature=signature)
    old_share_code = signature.share_code

    erasure.signer_erase(email=ADDRESS, actor=None)

    with pytest.raises(signature_links.SignatureLinkInvalid):
        signature_links.signature_for_confirmation(token=confirm_token)
    with pytest.raises(signature_links.SignatureLinkInvalid):
        signature_links.signature_for_withdrawal(token=withdraw_token)
    assert not Signature.objects.filter(share_code=old_share_code).exists()


def test_erasing_twice_changes_nothing_more(officer_client):
    _signed_everywhere()
    erasure.signer_erase(email=ADDRESS, actor=None)
    placeholders = set(Signature.objects.values_list("email", flat=True))

    assert erasure.signer_erase(email=ADDRESS, actor=None) == 0
    assert set(Signature.objects.values_list("email", flat=True)) == placeholders


def test_an_address_with_nothing_left_to_erase_is_said_plainly(officer_client):
    lookup = officer_client.post(ERASE_URL, {"email": "nobody@example.org"})

    page = lookup.content.decode()
    assert (
        "Aucune signature de nobody@example.org ne reste à effacer\N{NO-BREAK SPACE}: aucune "
        "n'a été donnée avec cette adresse, ou chacune est déjà effacée."
    ) in page
    assert "0 signature" not in page and 'value="yes"' not in page


def test_only_data_officers_may_erase_a_person(client):
    _signed_everywhere(1)
    logged_in_as(client, PETITION_MANAGERS)

    assert client.get(ERASE_URL).status_code == 403
    assert client.post(ERASE_URL, {"email": ADDRESS, "confirm": "yes"}).status_code == 403
    assert Signature.objects.filter(erased_at__isnull=True).count() == 1


def test_the_signature_list_offers_erasure_to_data_officers_only(officer_client):
    manager_client = Client()
    logged_in_as(manager_client, PETITION_MANAGERS)
    changelist = reverse("admin:petitions_signature_changelist")

    assert ERASE_URL in officer_client.get(changelist).content.decode()
    assert ERASE_URL not in manager_client.get(changelist).content.decode()


def test_the_link_in_the_email_lets_a_signer_withdraw_and_erase_their_signature(
    client, sign, django_capture_on_commit_callbacks
):
    signature = sign(email="aynur@example.org").signature
    body = mail.outbox[-1].body
    withdraw_url = re.search(r"https?://\S+/withdraw/\S+/", body).group(0)
    path = withdraw_url.removeprefix("http://testserver")

    # Opening the link (a mail scanner, a preview) asks; only the signer's click erases.
    assert client.get(path).status_code == 200
    assert Signature.objects.filter(pk=signature.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)

    assert response.status_code == 302
    assert not Signature.objects.filter(mailbox_hash=mailbox_hash("aynur@example.org")).exists()


def test_an_erased_signers_confirmation_email_can_no_longer_be_matched_to_the_row():
    (signature,) = _signed_everywhere(1)
    Signature.objects.filter(pk=signature.pk).update(
        confirmation_message_id="<170000.1.abc@mamat.example>", email_message_id="esp-123"
    )

    erasure.signer_erase(email=ADDRESS, actor=None)

    signature.refresh_from_db()
    assert (signature.confirmation_message_id, signature.email_message_id) == ("", "")


def _news_message_ids(signer: Signature) -> tuple[str, str]:
    return (
        DeliveryNotice.objects.get(signature=signer).message_id,
        UpdateRecipient.objects.get(signature=signer).message_id,
    )


def test_nor_can_the_news_emails_they_were_sent():
    (signature,) = _signed_everywhere(1)
    someone_else = SignatureFactory(confirmed=True)
    for signer in (signature, someone_else):
        _refused_everywhere(signer, "")  # a delivery notice and an update, neither refused
        DeliveryNotice.objects.filter(signature=signer).update(message_id=f"<n{signer.pk}@x>")
        UpdateRecipient.objects.filter(signature=signer).update(message_id=f"<u{signer.pk}@x>")

    erasure.signer_erase(email=ADDRESS, actor=None)

    assert _news_message_ids(signature) == ("", "")
    assert _news_message_ids(someone_else) == (f"<n{someone_else.pk}@x>", f"<u{someone_else.pk}@x>")


def _refused_everywhere(signature: Signature, said: str) -> None:
    """Store a mail server's refusal on the signer's confirmation, delivery notice and update."""
    Signature.objects.filter(pk=signature.pk).update(email_error=said)
    delivery = Delivery.objects.create(
        petition=signature.petition,
        target=signature.petition.targets.get(),
        language="fr",
        reference=f"ref-{signature.pk}",
    )
    DeliveryNotice.objects.create(
        delivery=delivery, signature=signature, due_at=timezone.now(), error=said
    )
    update = SupporterUpdate.objects.create(
        petition=signature.petition, subject_fr="Des nouvelles", body_fr="<p>Merci.</p>"
    )
    UpdateRecipient.objects.create(update=update, signature=signature, error=said)


def _refusals_of(signature: Signature) -> list[str]:
    signature.refresh_from_db()
    return [
        signature.email_error,
        DeliveryNotice.objects.get(signature=signature).error,
        UpdateRecipient.objects.get(signature=signature).error,
    ]


def test_erasing_a_signer_blanks_what_mail_servers_said_when_refusing_their_emails():
    (signature,) = _signed_everywhere(1)
    someone_else = SignatureFactory(confirmed=True)
    _refused_everywhere(signature, f"550 5.1.1 <{ADDRESS}>: User unknown")
    _refused_everywhere(someone_else, "452 4.2.2 Mailbox full")

    erasure.signer_erase(email=ADDRESS, actor=None)

    assert _refusals_of(signature) == ["", "", ""]
    assert _refusals_of(someone_else) == ["452 4.2.2 Mailbox full"] * 3


@pytest.mark.parametrize(
    "migration",
    [
        "petitions.migrations.0022_redact_addresses_in_refusals",
        "deliveries.migrations.0013_redact_addresses_in_refusals",
        "updates.migrations.0003_redact_addresses_in_refusals",
    ],
)
def test_refusals_stored_before_addresses_were_taken_out_lose_them_on_migrating(migration):
    (signature,) = _signed_everywhere(1)
    _refused_everywhere(signature, f"550 5.1.1 <{ADDRESS}>: User unknown")
    before = _refusals_of(signature)

    (redact,) = importlib.import_module(migration).Migration.operations
    redact.code(apps, None)  # the data migration's function, as `migrate` runs it

    after = _refusals_of(signature)
    changed = [index for index, refusal in enumerate(after) if refusal != before[index]]
    assert len(changed) == 1  # each app's migration redacts the column that app owns
    assert after[changed[0]] == "550 5.1.1 <address>: User unknown"


@pytest.mark.usefixtures("_public_page_cache_on")
def test_a_person_a_data_officer_erases_leaves_the_latest_signers_of_the_kept_pages_at_once(
    confirm, django_capture_on_commit_callbacks
):
    petition = PetitionFactory()
    signature = SignatureFactory(
        petition=petition, first_name="Gulnar", email=ADDRESS, show_first_name=True
    )
    confirm(signature)
    visitor = Client()
    assert "Gulnar (France)" in visitor.get(petition.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        erasure.signer_erase(email=ADDRESS, actor=None)

    assert "Gulnar" not in visitor.get(petition.get_absolute_url()).content.decode()

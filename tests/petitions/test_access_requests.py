"""A signer writes in to ask what the site holds about them; a data officer answers."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from deliveries.models import DeliveredSignature, Delivery, DeliveryNotice
from petitions import erasure
from petitions.mailboxes import mailbox_hash
from petitions.models import Signature
from staff.models import AccessEvent
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as
from updates.models import SupporterUpdate, UpdateRecipient

pytestmark = pytest.mark.django_db
HOLDINGS_URL = reverse("admin:petitions_signature_holdings")
ADDRESS = "aynurtursun@gmail.com"


def _in_english(moment) -> str:
    with translation.override("en"):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _signed_twice() -> tuple[Signature, Signature]:
    """Aynur signed two petitions from one mailbox; her second signature is sealed."""
    first = SignatureFactory(
        petition=PetitionFactory(title_en="Free Mamat", asks_postcode=True, allows_comment=True),
        confirmed=True,
        first_name="Aynur",
        last_name="Tursun",
        email="Aynur.Tursun@gmail.com",
        mailbox_hash=mailbox_hash(ADDRESS),
        postcode="75011",
        comment="My brother is held in Ghulja.",
        language="en",
        agent_family="Firefox",
        ip_hash="a" * 64,
        privacy_notice_version="2025-1",
        consented_at=timezone.now() - timedelta(days=90),
        newsletter_opt_in=True,
        name_in_delivery=True,
        show_first_name=True,
    )
    second = SignatureFactory(
        petition=PetitionFactory(title_en="Close the camps"),
        confirmed=True,
        first_name="",
        last_name="",
        email="",
        mailbox_hash=mailbox_hash(ADDRESS),
        sealed_data=b"\x01sealed",
        sealed_at=timezone.now() - timedelta(days=10),
        language="en",
        privacy_notice_version="2026-2",
    )
    return first, second


def _named_to_the_embassy(signature: Signature, *, sent_at) -> Delivery:
    target = signature.petition.targets.get()
    delivery = Delivery.objects.create(
        petition=signature.petition,
        target=target,
        language="fr",
        reference=f"ref-{signature.pk}",
        status=Delivery.Status.SENT,
        sent_at=sent_at,
        recipient_name_fr="Ambassadeur de Chine en France",
        recipient_organisation_fr="Ambassade de Chine en France",
    )
    DeliveredSignature.objects.create(delivery=delivery, signature=signature, target=target)
    return delivery


@pytest.fixture
def aynur():
    """Aynur's two signatures, a delivery that named her, its notice and an update to her;
    and Gulnar, who signed the same petition."""
    first, second = _signed_twice()
    delivered_at = timezone.now() - timedelta(days=40)
    delivery = _named_to_the_embassy(first, sent_at=delivered_at)
    DeliveryNotice.objects.create(
        delivery=delivery,
        signature=first,
        due_at=delivered_at,
        status=DeliveryNotice.Status.SENT,
        sent_at=delivered_at + timedelta(hours=1),
    )
    update = SupporterUpdate.objects.create(
        petition=first.petition,
        subject_fr="Des nouvelles",
        body_fr="<p>Merci.</p>",
        subject_en="News of Mamat",
        body_en="<p>Thanks.</p>",
    )
    UpdateRecipient.objects.create(
        update=update, signature=first, sent_at=timezone.now() - timedelta(days=5)
    )
    gulnar = SignatureFactory(
        petition=first.petition,
        confirmed=True,
        first_name="Gulnar",
        last_name="Osman",
        email="gulnar@example.org",
        postcode="69003",
        comment="For my father.",
        name_in_delivery=True,
    )
    gulnars_delivery = _named_to_the_embassy(gulnar, sent_at=delivered_at - timedelta(days=7))
    DeliveryNotice.objects.create(
        delivery=gulnars_delivery,
        signature=gulnar,
        due_at=delivered_at,
        status=DeliveryNotice.Status.SENT,
        sent_at=delivered_at - timedelta(days=6),
    )
    UpdateRecipient.objects.create(
        update=update, signature=gulnar, sent_at=timezone.now() - timedelta(days=4)
    )
    return {"first": first, "second": second, "delivered_at": delivered_at, "gulnar": gulnar}


def test_a_data_officer_sees_both_signatures_their_choices_and_who_was_given_the_name(
    officer_client, aynur
):
    first, second = aynur["first"], aynur["second"]

    page = officer_client.post(HOLDINGS_URL, {"email": "Aynur.Tursun+news@gmail.com"})

    answer = page.context["answer"]
    assert (answer.signatures, answer.language) == (2, "en")  # her own language
    text = answer.text
    assert text.index("Petition: “Free Mamat”") < text.index("Petition: “Close the camps”")
    for given in ("Aynur", "Tursun", "Aynur.Tursun@gmail.com", "75011", "Ghulja", "Firefox"):
        assert given in text
    assert (
        f"Agreed on {_in_english(first.consented_at)}, to the privacy notice in its version 2025-1"
        in text
    )
    assert f"in its version {second.privacy_notice_version}" in text
    assert "News from the campaign by email: yes" in text
    assert "Your name given to the authorities with the petition: yes" in text
    assert f"Confirmed on: {_in_english(first.confirmed_at)}" in text
    assert f"{_in_english(aynur['delivered_at'])}: to Ambassade de Chine en France" in text
    assert "Your signature was delivered" in text
    assert "News from the campaign: “News of Mamat”" in text
    # Her second signature was sealed: what the site cannot read is said, not guessed.
    assert f"Sealed on: {_in_english(second.sealed_at)}" in text
    assert "Email address: sealed (see below)" in text
    assert "sealed with a key the site does not hold" in text
    assert text in page.content.decode().replace("&quot;", '"').replace("&#x27;", "'")


def test_the_file_for_the_person_holds_their_data_and_nothing_of_another_signer(
    officer_client, aynur
):
    gulnar = aynur["gulnar"]

    download = officer_client.post(
        HOLDINGS_URL, {"email": ADDRESS, "language": "en", "download": "1"}
    )

    assert download["Content-Type"] == "text/plain; charset=utf-8"
    assert download["Content-Disposition"].startswith(
        'attachment; filename="what-we-hold-about-you-'
    )
    text = download.content.decode("utf-8")
    assert "We hold 2 signatures given with this address." in text
    assert "Ghulja" in text and "Ambassade de Chine en France" in text
    for theirs in (gulnar.first_name, gulnar.last_name, gulnar.email, "69003", "For my father"):
        assert theirs not in text
    # Once, for Aynur's delivery and her signature on it: Gulnar's, a week earlier, and the
    # emails sent to Gulnar are not hers.
    assert text.count("to Ambassade de Chine en France") == 1
    assert text.count("Your signature was delivered") == 1
    assert text.count("News from the campaign: “News of Mamat”") == 1
    assert _in_english(aynur["delivered_at"] - timedelta(days=7)) not in text
    # No secret of the site's: fingerprints, link ids, share codes.
    first = aynur["first"]
    for secret in ("a" * 64, first.mailbox_hash, str(first.public_id), first.share_code):
        assert secret not in text
    assert "keyed fingerprints" in text


def test_a_petition_manager_may_neither_look_a_person_up_nor_download_their_file(aynur):
    client = Client()
    logged_in_as(client, PETITION_MANAGERS)

    assert client.get(HOLDINGS_URL).status_code == 403
    assert client.post(HOLDINGS_URL, {"email": ADDRESS}).status_code == 403
    download = client.post(HOLDINGS_URL, {"email": ADDRESS, "download": "1"})
    assert download.status_code == 403
    assert "Ghulja" not in download.content.decode()
    assert not AccessEvent.objects.filter(
        note__in=[AccessEvent.Note.ACCESS_REQUEST_LOOKUP, AccessEvent.Note.ACCESS_REQUEST_FILE]
    ).exists()
    changelist = client.get(reverse("admin:petitions_signature_changelist")).content.decode()
    assert HOLDINGS_URL not in changelist


def test_each_look_up_and_each_download_is_trailed_without_the_address(officer_client, aynur):
    officer_client.post(HOLDINGS_URL, {"email": ADDRESS})
    officer_client.post(HOLDINGS_URL, {"email": ADDRESS, "language": "fr", "download": "1"})

    lookup = AccessEvent.objects.get(note=AccessEvent.Note.ACCESS_REQUEST_LOOKUP)
    assert (lookup.action, lookup.actor_username, lookup.row_count) == (
        AccessEvent.Action.SEARCHED_SIGNATURES,
        "data-officers",
        2,
    )
    download = AccessEvent.objects.get(note=AccessEvent.Note.ACCESS_REQUEST_FILE)
    assert (download.action, download.row_count) == (AccessEvent.Action.EXPORTED_SIGNATURES, 2)
    # The same keyed hash as an erasure of this person would keep: the trail ties the two.
    assert lookup.query == {"email_hmac": erasure.email_fingerprint(ADDRESS)}
    assert download.query == {"email_hmac": erasure.email_fingerprint(ADDRESS), "language": "fr"}
    every_entry = str(list(AccessEvent.objects.values())).lower()
    assert "tursun" not in every_entry and "aynur" not in every_entry


def test_an_address_nobody_signed_with_gets_a_plain_answer(officer_client, aynur):
    page = officer_client.post(HOLDINGS_URL, {"email": "nobody@example.org", "language": "en"})
    download = officer_client.post(
        HOLDINGS_URL, {"email": "nobody@example.org", "language": "en", "download": "1"}
    )

    assert page.context["answer"].signatures == 0
    text = download.content.decode()
    assert "Email address you asked about: nobody@example.org" in text
    assert "We hold no signature given with this address." in text
    assert "Petition" not in text and "Ghulja" not in text and "Gulnar" not in text
    assert AccessEvent.objects.filter(
        note=AccessEvent.Note.ACCESS_REQUEST_FILE, row_count=0
    ).exists()


def test_a_signer_erased_or_withdrawn_has_nothing_personal_left_to_show(officer_client, aynur):
    erasure.signer_erase(email=ADDRESS, actor=None)

    page = officer_client.post(HOLDINGS_URL, {"email": ADDRESS, "language": "en"})

    answer = page.context["answer"]
    assert answer.signatures == 0
    assert "We hold no signature given with this address." in answer.text
    for given in ("Aynur", "Tursun", "Ghulja", "75011", "Free Mamat", "Ambassade"):
        assert given not in answer.text


def test_a_french_signer_gets_the_answer_in_french(officer_client):
    SignatureFactory(
        confirmed=True,
        first_name="Gulnar",
        mailbox_hash=mailbox_hash("gulnar@example.fr"),
        language="fr",
        name_in_delivery=True,
    )

    download = officer_client.post(HOLDINGS_URL, {"email": "gulnar@example.fr", "download": "1"})
    nobody = officer_client.post(HOLDINGS_URL, {"email": "nobody@example.org"})

    text = download.content.decode()
    assert "Ce que la campagne détient sur vous" in text
    assert "Nous détenons 1 signature donnée avec cette adresse." in text
    assert "Prénom\u202f: Gulnar" in text
    assert 'filename="ce-que-nous-detenons-sur-vous-' in download["Content-Disposition"]
    page = re.sub(r"\s*\n\s*", " ", nobody.content.decode())
    assert "Aucune signature pour nobody@example.org\u202f: aucune n’a été donnée" in page

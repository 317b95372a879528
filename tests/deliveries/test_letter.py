"""The letter a target receives: greeted by title, the case, the demands, the counts, a contact."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from campaign.models import Campaign
from deliveries import addresses, batches
from deliveries.letter_content import letter_recipient, recipient_lines
from deliveries.models import DeliverySchedule, LetterTemplate
from petitions.models import Petition, Target
from tests.deliveries.factories import address_approved, sender
from tests.deliveries.helpers import pdf_text
from tests.factories import SignatureFactory, TargetFactory

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "delivery-letter.png"


@pytest.fixture
def mamat_petition(mamat_campaign):
    """The campaign as load_campaign makes it, with contact details staff filled in."""
    Campaign.objects.filter(pk=mamat_campaign.pk).update(
        contact_email="contact@liberez-mamat.test",
        publisher_address="12 rue de l'Exemple\n75011 Paris",
    )
    return Petition.objects.get(slug="liberez-mamat")


def _letter_to(petition, target) -> str:
    SignatureFactory.create_batch(12, petition=petition, confirmed=True, country="FR")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True, country="TR")
    petition.targets.set([target])
    delivery = batches.delivery_batch_create(petition=petition, target=target, queue_send=False)
    return delivery, pdf_text(delivery.letter_pdf.open("rb").read())


def test_the_french_letter_greets_the_ambassador_and_says_what_signers_ask(mamat_petition):
    ambassador = address_approved(
        TargetFactory(
            name="Ambassadeur de la République populaire de Chine en France",
            title="Ambassadeur",
            organisation="Ambassade de la République populaire de Chine en France",
            email="ambassade@embassy.test",
            language="fr",
        )
    )

    delivery, text = _letter_to(mamat_petition, ambassador)
    flat = " ".join(text.split())

    assert "Monsieur l'Ambassadeur," in flat
    assert "camp d'internement" in flat  # the case, in a few sentences
    assert "de libérer Mamat immédiatement" in flat  # the demands
    assert "15 nouvelles signatures" in flat
    assert "15 signatures vous ont été remises au total" in flat
    assert "France 12" in flat and "Autres pays 3" in flat
    assert "Turquie" not in flat
    assert "contact@liberez-mamat.test" in flat and "75011 Paris" in flat
    assert delivery.reference in flat
    assert "l'assurance de notre très haute considération" in flat
    assert re.search(r"Page 1 sur \d", flat)


def test_the_english_letter_is_in_english_throughout(mamat_petition):
    minister = address_approved(
        TargetFactory(
            name="Minister of Foreign Affairs",
            title="Minister",
            organisation="Ministry of Foreign Affairs",
            email="minister@ministry.test",
            language="en",
        )
    )

    _delivery, text = _letter_to(mamat_petition, minister)
    flat = " ".join(text.split())

    assert "Dear Minister," in flat
    assert "internment camp about four years ago" in flat
    assert "to release Mamat immediately" in flat
    assert "This letter delivers 15 new signatures" in flat
    assert "Other countries 3" in flat and "Turkey" not in flat
    assert "To reply, please write to contact@liberez-mamat.test" in flat
    assert re.search(r"Page 1 of \d", flat)


@pytest.mark.parametrize(
    ("contact_email", "postal_address", "reply"),
    [
        (
            "contact@liberez-mamat.test",
            "12 rue de l'Exemple",
            "write to contact@liberez-mamat.test or to the postal address above",
        ),
        ("contact@liberez-mamat.test", "", "write to contact@liberez-mamat.test, quoting"),
        ("", "12 rue de l'Exemple", "write to the address above, quoting"),
        ("", "", "answer the email that brought this letter, quoting"),
    ],
)
def test_the_letter_points_only_at_a_contact_it_prints(
    mamat_petition, contact_email, postal_address, reply
):
    Campaign.objects.update(contact_email=contact_email, publisher_address=postal_address)
    minister = address_approved(
        TargetFactory(name="Minister of Foreign Affairs", email="m@ministry.test", language="en")
    )

    _delivery, text = _letter_to(mamat_petition, minister)

    flat = " ".join(text.split())
    assert f"To reply, please {reply}" in flat
    sender_block, recipient, _rest = flat.partition("Minister of Foreign Affairs")
    assert recipient and contact_email in sender_block and postal_address in sender_block


def test_staff_write_their_own_salutation_for_the_petition(mamat_petition):
    LetterTemplate.objects.filter(petition=mamat_petition).update(salutation_fr="Excellence,")
    target = address_approved(TargetFactory(title="Ambassadeur", email="a@embassy.test"))

    _delivery, text = _letter_to(mamat_petition, target)

    lines = text.splitlines()
    assert "Excellence," in lines and "Monsieur l'Ambassadeur," not in lines


def test_the_address_block_says_the_title_once():
    target = Target(
        name="Ambassadeur de la RPC en France",
        title="Ambassadeur",
        organisation="Ambassade de la RPC en France",
    )

    assert recipient_lines(recipient=letter_recipient(target=target)) == [
        "Ambassadeur de la RPC en France",
        "Ambassade de la RPC en France",
    ]


def test_staff_preview_the_saved_letter_for_each_target(mamat_petition, verified_staff_client):
    letter = LetterTemplate.objects.get(petition=mamat_petition)
    target = mamat_petition.targets.get()

    response = verified_staff_client.get(
        reverse("admin:deliveries_lettertemplate_preview", args=[letter.pk, target.pk])
    )

    assert response["Content-Type"] == "application/pdf"
    assert "Monsieur l'Ambassadeur," in pdf_text(response.content)
    change = verified_staff_client.get(
        reverse("admin:deliveries_lettertemplate_change", args=[letter.pk])
    )
    assert (
        reverse("admin:deliveries_lettertemplate_preview", args=[letter.pk, target.pk])
        in change.content.decode()
    )


def test_load_campaign_makes_a_schedule_that_waits_for_an_approved_address(mamat_petition):
    schedule = DeliverySchedule.objects.get(petition=mamat_petition)
    assert (schedule.every_days, schedule.threshold) == (30, 1000)
    assert not schedule.is_active and schedule.waits_for_address

    target = mamat_petition.targets.get()
    Target.objects.filter(pk=target.pk).update(email="ambassade@embassy.test")
    target.refresh_from_db()
    addresses.target_address_approve(target=target, actor=sender("first"))
    schedule.refresh_from_db()
    assert not schedule.is_active  # one approval is not enough

    addresses.target_address_approve(target=target, actor=sender("second"))
    schedule.refresh_from_db()
    assert schedule.is_active and not schedule.waits_for_address
    call_command("load_campaign", stdout=None)
    schedule.refresh_from_db()
    assert schedule.is_active  # loading again never undoes what staff did


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_the_letter_screenshot_is_page_one_of_a_real_letter(mamat_petition, tmp_path):
    """Render page 1 of a letter made now; UPDATE_SCREENSHOTS=1 writes it to docs/screenshots/."""
    target = mamat_petition.targets.get()
    Target.objects.filter(pk=target.pk).update(email="ambassade@embassy.test")
    target.refresh_from_db()
    delivery, _text = _letter_to(mamat_petition, address_approved(target))
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(delivery.letter_pdf.open("rb").read())

    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdf, tmp_path / "p"],
        check=True,
    )

    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(tmp_path / "p.png", SCREENSHOT)

"""The letter's last page: the closing and the signatory always together, never a lone signature."""

import re
import subprocess
from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation

from campaign.models import Campaign
from core.a4_pdf import PDF_MARGIN_MM
from deliveries import batches, previews
from deliveries.documents import LetterContent, letter_pdf_bytes
from deliveries.letter_content import letter_content_for
from petitions.models import Petition
from tests.deliveries.factories import address_approved
from tests.factories import SignatureFactory, TargetFactory

AMBASSADOR = {
    "name": "Ambassadeur de la République populaire de Chine en France",
    "title": "Ambassadeur",
    "organisation": "Ambassade de la République populaire de Chine en France",
    "email": "ambassade@embassy.test",
    "language": "fr",
}
FOREIGN_SECRETARY = {
    "name": "Secretary of State for Foreign, Commonwealth and Development Affairs",
    "title": "Foreign Secretary",
    "organisation": "Foreign, Commonwealth and Development Office",
    "email": "foreign.secretary@fcdo.test",
    "language": "en",
}


def page_bodies(data: bytes, *, reference: str, tmp_path) -> list[str]:
    """Return each page's text as pdftotext reads it, one line of words, without the footer."""
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(data)
    info = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True, text=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    bodies = []
    for page in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # The footer, last, repeats the campaign's name (often the signatory) by the reference.
        lines = text.split("\f")[0].splitlines()
        footer = max(i for i, line in enumerate(lines) if reference in line)
        bodies.append(" ".join(" ".join(lines[:footer]).split()))
    return bodies


def page_one_words(data: bytes, *, tmp_path) -> list[tuple[float, float, str]]:
    """Return page one's words as (top, bottom, word), in millimetres from the top of the page."""
    pdf = tmp_path / "letter.pdf"
    pdf.write_bytes(data)
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", pdf, "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    mm = 25.4 / 72
    return [
        (float(top) * mm, float(bottom) * mm, word)
        for top, bottom, word in re.findall(
            r'<word [^>]*yMin="([\d.]+)" [^>]*yMax="([\d.]+)">([^<]*)</word>', xml
        )
    ]


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def mamat_petition(mamat_campaign):
    """The campaign as load_campaign makes it, with contact details staff filled in."""
    Campaign.objects.filter(pk=mamat_campaign.pk).update(
        contact_email="contact@liberez-mamat.test",
        publisher_address="12 rue de l'Exemple\n75011 Paris",
    )
    petition = Petition.objects.get(slug="liberez-mamat")
    SignatureFactory.create_batch(12, petition=petition, confirmed=True, country="FR")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True, country="TR")
    return petition


@pytest.mark.parametrize(
    ("target_fields", "signatory"),
    [(AMBASSADOR, "Libérez Mamat"), (FOREIGN_SECRETARY, "Free Mamat")],
    ids=["fr", "en"],
)
def test_the_campaigns_letter_ends_with_the_closing_and_the_signatory_on_one_page(
    mamat_petition, target_fields, signatory, tmp_path
):
    target = address_approved(TargetFactory(**target_fields))
    mamat_petition.targets.set([target])

    delivery = batches.delivery_batch_create(
        petition=mamat_petition, target=target, queue_send=False
    )

    with translation.override(delivery.language):
        content = letter_content_for(delivery=delivery)
    bodies = page_bodies(
        delivery.letter_pdf.open("rb").read(), reference=delivery.reference, tmp_path=tmp_path
    )
    assert bodies[-1].endswith(f"{words(content.closing)} {signatory}")
    if len(bodies) > 1:
        # A second page is there for the closing, not because the break came early.
        assert bodies[-2].endswith(f"{delivery.reference}.")  # the reply paragraph, last


def test_the_deliver_now_preview_keeps_the_closing_with_the_signatory(mamat_petition, tmp_path):
    target = address_approved(TargetFactory(**FOREIGN_SECRETARY))
    mamat_petition.targets.set([target])

    with translation.override("en"):
        data = previews.delivery_letter_preview(
            petition=mamat_petition, target=target, confirmed_up_to=timezone.now()
        )

    bodies = page_bodies(data, reference="PREVIEW", tmp_path=tmp_path)
    assert "PREVIEW" in bodies[0]  # the reference a preview carries
    assert bodies[-1].endswith("Yours faithfully, Free Mamat")


def letter(*, case_lines: int) -> LetterContent:
    """A letter to the Foreign Secretary whose case summary runs to `case_lines` lines."""
    return LetterContent(
        petition_title="Free Mamat, held in an internment camp",
        demand="We call on the authorities to release Mamat immediately.",
        campaign_name="Free Mamat",
        recipient_lines=["Foreign Secretary", "Foreign, Commonwealth and Development Office"],
        created_at=datetime(2026, 11, 2, 9, 0, tzinfo=UTC),
        reference="7c1d0e",
        new_count=1500,
        cumulative_count=4200,
        named_count=0,
        counts_only=True,
        counts_by_country={"GB": 900, "FR": 600},
        salutation="Dear Foreign Secretary,",
        case_summary="\n".join(f"What happened to Mamat, part {n}." for n in range(case_lines)),
        closing="Yours faithfully,",
        signatory="Free Mamat",
        contact_email="contact@free-mamat.test",
    )


def test_a_short_letter_fits_on_one_page_with_its_closing_and_signatory(tmp_path):
    with translation.override("en"):
        bodies = page_bodies(
            letter_pdf_bytes(letter=letter(case_lines=3)), reference="7c1d0e", tmp_path=tmp_path
        )

    assert len(bodies) == 1
    assert bodies[0].endswith("Yours faithfully, Free Mamat")


def test_a_letter_too_long_for_one_page_breaks_before_the_closing_never_after_it(tmp_path):
    """Whatever the case's length, the signatory shares its page with the closing.

    Each line of the case moves the closing down one line, so the range walks it from a letter
    that fits on one page, past the foot of page one where the closing fits but the signatory
    would not, to a letter whose second page holds more than the closing.
    """
    seen_pages = set()
    for case_lines in range(6, 22):
        with translation.override("en"):
            data = letter_pdf_bytes(letter=letter(case_lines=case_lines))
        bodies = page_bodies(data, reference="7c1d0e", tmp_path=tmp_path)
        seen_pages.add(len(bodies))

        assert bodies[-1].endswith("Yours faithfully, Free Mamat"), case_lines
        assert all("Yours faithfully" not in body for body in bodies[:-1]), case_lines
    assert seen_pages == {1, 2}


def test_a_letter_that_fits_down_to_its_signatory_is_not_pushed_onto_a_second_page(tmp_path):
    """The longest one-page letter leaves less than a line free below its signatory."""
    with translation.override("en"):
        letters = {n: letter_pdf_bytes(letter=letter(case_lines=n)) for n in range(6, 22)}
    one_page = [
        n
        for n, data in letters.items()
        if len(page_bodies(data, reference="7c1d0e", tmp_path=tmp_path)) == 1
    ]
    assert one_page and max(one_page) < max(letters)

    placed = page_one_words(letters[max(one_page)], tmp_path=tmp_path)
    case_lines = sorted(top for top, _bottom, word in placed if word == "part")
    line = case_lines[1] - case_lines[0]  # from one line of text to the next
    footer_top = max(top for top, _bottom, _word in placed)
    signatory = [(top, bottom) for top, bottom, _word in placed if top < footer_top][-1]
    # A line's glyphs sit in the middle of the line's height.
    signatory_foot = signatory[1] + (line - (signatory[1] - signatory[0])) / 2
    room = (297 - PDF_MARGIN_MM) - signatory_foot
    assert room < line

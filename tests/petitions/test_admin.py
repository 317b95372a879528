import pytest
from django.urls import reverse

from petitions.models import Signature
from tests.factories import PetitionFactory, SignatureFactory

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def staff_client(client, admin_user):
    """A superuser's client, past the second factor where the admin asks for one."""
    try:
        from tests.staff_fixtures import login_verified
    except ImportError:
        client.force_login(admin_user)
    else:
        login_verified(client, admin_user)
    return client


def test_the_petition_list_shows_the_confirmed_and_the_flagged_to_review(staff_client):
    petition = PetitionFactory(title_fr="Libérez Mamat")
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    SignatureFactory.create_batch(2, petition=petition)
    SignatureFactory(petition=petition, status=Signature.Status.FLAGGED)

    response = staff_client.get(reverse("admin:petitions_petition_changelist"))

    assert response.status_code == 200
    row = response.context["cl"].result_list.get(pk=petition.pk)
    assert (row.confirmed_signatures, row.flagged_signatures) == (3, 1)
    html = response.content.decode()
    assert '<td class="field-confirmed_signatures">3</td>' in html
    assert '<td class="field-flagged_signatures">1</td>' in html


def test_staff_can_edit_a_petition_and_its_target(staff_client):
    petition = PetitionFactory()
    target = petition.targets.get()

    petition_page = staff_client.get(reverse("admin:petitions_petition_change", args=[petition.pk]))
    target_page = staff_client.get(reverse("admin:petitions_target_change", args=[target.pk]))

    assert petition_page.status_code == 200
    assert target_page.status_code == 200
    assert "delivery" in target_page.content.decode() or "remise" in target_page.content.decode()


def test_a_hostile_name_is_escaped_in_the_signature_list(staff_client):
    SignatureFactory(first_name=XSS_NAME, last_name='=HYPERLINK("http://x")')

    html = staff_client.get(reverse("admin:petitions_signature_changelist")).content.decode()

    assert XSS_NAME not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_staff_review_flagged_signatures_and_approve_them(staff_client):
    petition = PetitionFactory()
    flagged = SignatureFactory(petition=petition, status=Signature.Status.FLAGGED)
    flagged.confirmed_at = flagged.created_at
    flagged.save()

    listing = staff_client.get(
        reverse("admin:petitions_signature_changelist"), {"status__exact": "flagged"}
    )
    assert list(listing.context["cl"].result_list) == [flagged]

    staff_client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "approve", "_selected_action": [flagged.pk]},
    )

    flagged.refresh_from_db()
    assert flagged.status == Signature.Status.CONFIRMED


def test_staff_invalidate_signatures(staff_client):
    signature = SignatureFactory(confirmed=True)

    staff_client.post(
        reverse("admin:petitions_signature_changelist"),
        {"action": "invalidate", "_selected_action": [signature.pk]},
    )

    signature.refresh_from_db()
    assert signature.status == Signature.Status.INVALIDATED


def test_signatures_cannot_be_added_or_edited_by_hand(staff_client):
    signature = SignatureFactory()

    assert staff_client.get(reverse("admin:petitions_signature_add")).status_code == 403
    staff_client.post(
        reverse("admin:petitions_signature_change", args=[signature.pk]),
        {"first_name": "Changed"},
    )
    signature.refresh_from_db()
    assert signature.first_name != "Changed"

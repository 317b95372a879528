"""Names are said in public and to the authorities only when they look like names."""

import pytest
from django.urls import reverse

from deliveries.batches import delivery_batch_create
from deliveries.file_reading import delivery_signers_file_open
from petitions import name_review
from petitions.models import Signature
from staff.models import AccessEvent
from tests.deliveries.factories import address_approved
from tests.factories import SignatureFactory, TargetFactory
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

pytestmark = pytest.mark.django_db

NAMES_URL = reverse("admin:petitions_signature_names")
JUNK = ["<script>alert(1)</script>", "Visit http://evil.example", "R2D2", "Ay\u202e1"]


def _confirmed(sign, confirm, first_name, email, **choices):
    signature = sign(first_name=first_name, email=email, **choices).signature
    confirm(signature)
    signature.refresh_from_db()
    return signature


def test_names_are_stored_in_nfc_without_control_or_bidi_characters(sign):
    signature = sign(first_name="Ame\u0301lie\u200b\n", last_name="Tur\u202esun\t").signature

    assert (signature.first_name, signature.last_name) == ("Amélie", "Tursun")
    assert signature.name_review == Signature.NameReview.LISTED


@pytest.mark.parametrize("junk", JUNK)
def test_a_name_that_is_not_a_name_is_counted_and_emailed_but_never_listed(
    client, sign, confirm, petition, mailoutbox, junk
):
    _confirmed(sign, confirm, "Aynur", "aynur@example.org", show_first_name=True)
    junk_signer = _confirmed(sign, confirm, junk, "junk@example.org", show_first_name=True)

    html = client.get(petition.get_absolute_url()).content.decode()

    assert junk_signer.status == Signature.Status.CONFIRMED
    assert 'data-signature-count="2"' in html
    assert len(mailoutbox) == 2  # the junk signer got their confirmation email too
    recent = html[html.index("recent-signers__list") :]
    assert "Aynur" in recent
    assert "evil" not in recent and "R2D2" not in recent and "script" not in recent
    assert "\u202e" not in html


def test_a_name_that_is_not_a_name_is_counted_but_never_named_to_the_authorities(
    sign, confirm, petition, verified_staff_user, settings, tmp_path
):
    settings.DELIVERY_FILES_ROOT = tmp_path
    target = address_approved(TargetFactory(email="embassy@embassy.test"))
    petition.targets.add(target)
    _confirmed(sign, confirm, "Aynur", "aynur@example.org", name_in_delivery=True)
    _confirmed(
        sign, confirm, "Visit http://evil.example", "junk@example.org", name_in_delivery=True
    )

    delivery = delivery_batch_create(petition=petition, target=target, queue_send=False)

    assert (delivery.total_count, delivery.named_count) == (2, 1)
    named = delivery_signers_file_open(delivery=delivery, actor=verified_staff_user).read().decode()
    assert "Aynur" in named and "evil" not in named


def test_staff_hide_a_listed_name_in_one_click_and_it_leaves_the_public_list(
    client, sign, confirm, petition
):
    shown = _confirmed(sign, confirm, "Aynur", "aynur@example.org", show_first_name=True)
    _confirmed(sign, confirm, "R2D2", "junk@example.org", show_first_name=True)
    staff = client.__class__()
    logged_in_as(staff, PETITION_MANAGERS)

    page = staff.get(NAMES_URL).content.decode()
    response = staff.post(NAMES_URL, {"hide": shown.pk})

    assert f'name="hide" value="{shown.pk}"' in page
    assert '<th scope="col">Confirmée le</th>' in page  # the column holds a date
    assert "R2D2" in page[page.index("Noms qui n") :]
    assert response.status_code == 302
    shown.refresh_from_db()
    assert shown.name_review == Signature.NameReview.HIDDEN
    assert shown.status == Signature.Status.CONFIRMED
    assert "Aynur" not in client.get(petition.get_absolute_url()).content.decode()


def test_the_trail_names_the_staff_member_who_hid_a_name_on_the_names_page(client, sign, confirm):
    shown = _confirmed(sign, confirm, "Aynur", "aynur@example.org", show_first_name=True)
    manager = logged_in_as(client, PETITION_MANAGERS, "camille")

    client.post(NAMES_URL, {"hide": shown.pk})

    hid = AccessEvent.objects.get(action=AccessEvent.Action.HID_NAMES)
    assert (hid.actor, hid.actor_username) == (manager, "camille")
    assert (hid.target, hid.query, hid.row_count) == (
        "petitions.Signature",
        {"signature_ids": [shown.pk]},
        1,
    )
    assert hid.ip_hmac and "127.0.0.1" not in hid.ip_hmac
    assert "Aynur" not in f"{hid.target} {hid.query}"


def test_the_trail_names_the_staff_member_who_hid_names_from_the_signature_list(
    client, sign, confirm
):
    first = _confirmed(sign, confirm, "Aynur", "aynur@example.org", show_first_name=True)
    second = _confirmed(sign, confirm, "Memet", "memet@example.org", show_first_name=True)
    manager = logged_in_as(client, PETITION_MANAGERS, "camille")
    hide = {"action": "hide_names", "_selected_action": [first.pk, second.pk]}

    client.post(reverse("admin:petitions_signature_changelist"), hide)
    client.post(reverse("admin:petitions_signature_changelist"), hide)  # hidden already

    hid = AccessEvent.objects.get(action=AccessEvent.Action.HID_NAMES)
    assert (hid.actor, hid.row_count) == (manager, 2)
    assert sorted(hid.query["signature_ids"]) == sorted([first.pk, second.pk])


def test_a_name_staff_hid_is_no_longer_kept_readable_and_the_officers_still_have_it(
    client, sign, confirm, petition
):
    from petitions import sealing
    from tests.sealing_keys import sealed_data_of

    named = _confirmed(
        sign, confirm, "Aynur", "aynur@example.org", show_first_name=True, name_in_delivery=True
    )
    # Held for review, not yet sealed when staff hide it, sealed after.
    later = SignatureFactory(
        petition=petition, first_name="Ilham", last_name="Tursun", name_in_delivery=True
    )
    staff = client.__class__()
    logged_in_as(staff, PETITION_MANAGERS)

    staff.post(NAMES_URL, {"hide": named.pk})
    name_review.signatures_name_hide(actor=None, signatures=Signature.objects.filter(pk=later.pk))
    later.refresh_from_db()
    sealing.signature_seal(signature=later)

    for signature in (named, later):
        signature.refresh_from_db()
        assert (signature.first_name, signature.last_name) == ("", "")
        assert sealed_data_of(signature)["last_name"] == "Tursun"  # whole in the sealed copy

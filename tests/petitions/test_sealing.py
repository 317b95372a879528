"""Once the site no longer needs to read what a signer gave, the row keeps it only sealed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from petitions import sealing, signing
from petitions.models import Signature
from petitions.signature_links import withdrawal_token_make
from tests.factories import SignatureFactory
from tests.sealing_keys import sealed_data_of

GIVEN = {
    "first_name": "Aynur",
    "last_name": "Tursun",
    "email": "aynur@example.org",
    "postcode": "75011",
    "comment": "Pour ma sœur",
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _petition_asks_everything(petition):
    petition.asks_postcode = petition.allows_comment = True
    petition.save()


def _readable(signature) -> dict[str, str]:
    signature.refresh_from_db()
    return {field: getattr(signature, field) for field in sealing.SEALED_FIELDS}


def test_a_signature_is_readable_until_its_email_goes_then_sealed(sign, mailoutbox, petition):
    result = sign(postcode="75011", comment="Pour ma sœur")

    signature = result.signature
    assert mailoutbox[0].to == ["aynur@example.org"]  # the email went to the address given
    assert _readable(signature) == dict.fromkeys(sealing.SEALED_FIELDS, "")
    assert sealed_data_of(signature) == GIVEN
    assert signature.sealed_at is not None


@pytest.mark.parametrize(
    ("choices", "stays_readable"),
    [
        ({"show_first_name": True}, {"first_name": "Aynur"}),
        ({"name_in_delivery": True}, {"first_name": "Aynur", "last_name": "Tursun"}),
        ({"newsletter_opt_in": True}, {}),
    ],
)
def test_what_a_signer_chose_to_share_stays_readable_and_nothing_more(
    sign, confirm, choices, stays_readable
):
    signature = sign(postcode="75011", comment="Pour ma sœur", **choices).signature
    confirm(signature)

    assert _readable(signature) == dict.fromkeys(sealing.SEALED_FIELDS, "") | stays_readable
    assert sealed_data_of(signature) == GIVEN  # the officers' copy holds everything


def test_the_address_for_news_is_kept_only_where_the_running_site_can_open_it(sign, confirm):
    signature = sign(newsletter_opt_in=True).signature
    confirm(signature)
    signature.refresh_from_db()

    assert signature.email == ""
    assert b"aynur" not in bytes(signature.news_address)
    assert sealing.news_address_open(signature.news_address) == "aynur@example.org"


def test_without_news_no_address_is_kept_even_encrypted(sign, confirm):
    signature = sign().signature
    confirm(signature)
    signature.refresh_from_db()

    assert signature.news_address is None and sealing.news_address_open(None) == ""


def test_signing_again_puts_the_typed_address_back_until_the_new_email_goes(
    sign, mailoutbox, settings
):
    first = sign().signature
    Signature.objects.filter(pk=first.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(hours=1)
    )

    again = sign(email="AYNUR@example.org")

    assert not again.created
    assert [message.to for message in mailoutbox] == [["aynur@example.org"], ["AYNUR@example.org"]]
    assert _readable(first)["email"] == ""  # sealed again once sent
    assert sealed_data_of(first)["email"] == "aynur@example.org"  # the copy made first stays


def test_the_sweep_seals_what_was_kept_before_sealing_existed_and_only_that():
    kept = SignatureFactory(confirmed=True, postcode="75011")
    waiting = SignatureFactory()  # its confirmation email has not gone yet

    assert sealing.signatures_seal_due() == 1

    assert _readable(kept) == dict.fromkeys(sealing.SEALED_FIELDS, "")
    assert sealed_data_of(kept)["postcode"] == "75011"
    waiting.refresh_from_db()
    assert waiting.sealed_data is None and waiting.email
    assert sealing.signatures_seal_due() == 0  # nothing left: the sweep is cheap when idle


def test_an_erased_signature_is_never_sealed_again():
    erased = SignatureFactory(confirmed=True, erased_at=timezone.now(), email="", first_name="")

    assert sealing.signatures_seal_due() == 0
    erased.refresh_from_db()
    assert erased.sealed_data is None


def test_confirming_seals_even_when_the_email_record_was_lost(sign, confirm):
    signature = sign().signature
    Signature.objects.filter(pk=signature.pk).update(sealed_at=None, email="aynur@example.org")

    confirm(signature)

    assert _readable(signature)["email"] == ""


def test_a_signer_can_still_withdraw_after_sealing(
    sign, mailoutbox, django_capture_on_commit_callbacks
):
    signature = sign().signature
    with django_capture_on_commit_callbacks(execute=True):
        signing.signature_withdraw(token=withdrawal_token_make(signature=signature))

    assert not Signature.objects.filter(pk=signature.pk).exists()

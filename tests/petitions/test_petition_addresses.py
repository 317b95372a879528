"""A petition's slug never takes an address the site's pages for signers answer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PetitionFactory


@pytest.mark.parametrize("slug", ["withdrawal-link", "withdrawn", "withdraw", "confirm"])
def test_a_petition_cannot_take_the_address_of_a_signers_page(db, slug):
    petition = PetitionFactory.build(slug=slug)

    with pytest.raises(ValidationError) as refused:
        petition.full_clean(exclude=["campaign"])

    assert "slug" in refused.value.message_dict


def test_the_form_for_new_withdrawal_links_is_not_taken_for_a_petition(client, db):
    # Named as the page is: were it a petition's slug, its page would be out of reach.
    assert reverse("petitions:withdrawal_links") == "/petition/withdrawal-link/"
    assert client.get("/petition/withdrawal-link/").status_code == 200


def test_an_ordinary_slug_is_accepted(db):
    PetitionFactory.build(slug="liberez-mamat").full_clean(exclude=["campaign"])

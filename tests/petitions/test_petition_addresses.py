"""A petition's slug never takes an address the site's pages for signers answer."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import PetitionFactory


@pytest.mark.parametrize("slug", ["withdrawn", "withdraw", "confirm"])
def test_a_petition_cannot_take_the_address_of_a_signers_page(db, slug):
    petition = PetitionFactory.build(slug=slug)

    with pytest.raises(ValidationError) as refused:
        petition.full_clean(exclude=["campaign"])

    assert "slug" in refused.value.message_dict


def test_an_ordinary_slug_is_accepted(db):
    PetitionFactory.build(slug="liberez-mamat").full_clean(exclude=["campaign"])

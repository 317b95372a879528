import pytest

from petitions import (
    mailboxes,
)


@pytest.mark.parametrize(
    ("address", "normalized"),
    [
        ("Aynur@Example.ORG", "aynur@example.org"),
        ("  aynur@example.org ", "aynur@example.org"),
        ("A.Y.N.U.R+petition@GoogleMail.com", "aynur@gmail.com"),
        ("aynur+news@outlook.com", "aynur@outlook.com"),
        ("aynur+tag@example.org", "aynur+tag@example.org"),
    ],
)
def test_email_addresses_are_normalised_to_the_mailbox(address, normalized):
    assert mailboxes.email_normalize(address) == normalized

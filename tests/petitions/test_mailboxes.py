import pytest

from petitions import mailboxes


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


@pytest.mark.parametrize(
    "address",
    [
        "victim@example.org",
        "Victim+1@example.org",
        '"victim"@example.org',
        '"vic\\tim"@example.org',
        "v.i.c.t.i.m+spam@EXAMPLE.org.",
    ],
)
def test_every_spelling_of_one_inbox_counts_as_one_mailbox(address):
    assert mailboxes.mailbox_strict(address) == "victim@example.org"
    assert mailboxes.mailbox_fingerprint(address) == mailboxes.mailbox_fingerprint(
        "victim@example.org"
    )


def test_the_mailbox_fingerprint_does_not_show_the_address():
    assert "victim" not in mailboxes.mailbox_fingerprint("victim@example.org")

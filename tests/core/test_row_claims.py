"""core.row_claims.due_rows_claim: senders sharing an outbox, each email claimed by one of them.

The rows here are withdrawal links asked for (any outbox would do): due from `due_at`, and a
claim pushes `due_at` on by a minute, as their senders' claim does.
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from core.row_claims import due_rows_claim
from petitions.models import WithdrawalLinkRequest
from tests.concurrent_runs import in_threads

CLAIM = timedelta(minutes=1)


def _outbox(*, due_minutes_ago: list[int]) -> list[int]:
    """Write one owed email per entry, due that many minutes ago; return their keys in order."""
    now = timezone.now()
    return [
        WithdrawalLinkRequest.objects.create(
            mailbox_hash=f"mailbox-{index}",
            address_box=b"sealed",
            language="fr",
            requested_at=now - timedelta(minutes=minutes),
            due_at=now - timedelta(minutes=minutes),
            message_id=f"<{index}@mamat.test>",
        ).pk
        for index, minutes in enumerate(due_minutes_ago)
    ]


def _sender_claims(*, limit: int, at=None) -> list[int]:
    """Claim as a sender does at `at` (now by default): the rows due, the oldest first."""
    now = at or timezone.now()
    return due_rows_claim(
        WithdrawalLinkRequest.objects.filter(due_at__lte=now),
        order_by="due_at",
        limit=limit,
        claim={"due_at": now + CLAIM},
    )


@pytest.mark.django_db
def test_a_sender_takes_the_oldest_emails_due_up_to_its_limit():
    newest, oldest, middle = _outbox(due_minutes_ago=[1, 30, 10])

    assert _sender_claims(limit=2) == [oldest, middle]
    assert _sender_claims(limit=2) == [newest]  # the next sender takes what is left


@pytest.mark.django_db
def test_an_email_due_later_is_not_claimed_yet():
    _outbox(due_minutes_ago=[0])
    WithdrawalLinkRequest.objects.update(due_at=timezone.now() + timedelta(minutes=5))

    assert _sender_claims(limit=10) == []


@pytest.mark.django_db
def test_a_claimed_email_falls_due_again_only_when_its_sender_could_be_dead():
    claimed_at = timezone.now()
    [email] = _outbox(due_minutes_ago=[5])
    assert _sender_claims(limit=10, at=claimed_at) == [email]

    # While its sender works, no other sender takes it...
    assert _sender_claims(limit=10, at=claimed_at + CLAIM - timedelta(seconds=1)) == []
    # ...and once the claim has run out with the email still owed, the next sender does.
    assert _sender_claims(limit=10, at=claimed_at + CLAIM) == [email]


@pytest.mark.django_db(transaction=True)
def test_a_sender_takes_the_next_emails_rather_than_wait_for_those_another_holds():
    oldest, second, third = _outbox(due_minutes_ago=[30, 20, 10])
    holding = threading.Event()
    done = threading.Event()

    def another_sender_in_the_middle_of_its_claim():
        try:
            with transaction.atomic():
                list(WithdrawalLinkRequest.objects.select_for_update().filter(pk=oldest))
                holding.set()
                done.wait(timeout=10)  # a sender that waited would wait this long, then take it
        finally:
            connection.close()

    other = threading.Thread(target=another_sender_in_the_middle_of_its_claim)
    other.start()
    try:
        assert holding.wait(timeout=10)
        claimed = _sender_claims(limit=2)
    finally:
        done.set()
        other.join(timeout=20)

    assert claimed == [second, third]


@pytest.mark.django_db(transaction=True)
def test_two_senders_claiming_at_once_never_claim_the_same_email():
    emails = _outbox(due_minutes_ago=list(range(40, 0, -1)))
    first: list[int] = []
    second: list[int] = []

    def sender(claimed: list[int]):
        def claim_until_none_is_due():
            for _batch in emails:  # at most one batch an email, however the claims go
                batch = _sender_claims(limit=3)
                if not batch:
                    return
                claimed.extend(batch)

        return claim_until_none_is_due

    in_threads(sender(first), sender(second))

    assert not set(first) & set(second)
    assert sorted(first + second) == sorted(emails)

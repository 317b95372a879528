"""One taxonomy of sending failures: what is tried again, and what never is."""

import smtplib
from datetime import timedelta

import pytest
from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused

from core.email_sending import (
    ADDRESS_PLACEHOLDER,
    EmailFailure,
    addresses_redacted,
    email_failure,
    retry_delay,
)

TRANSIENT, PERMANENT = EmailFailure.TRANSIENT, EmailFailure.PERMANENT


@pytest.mark.parametrize(
    ("error", "kind", "reason"),
    [
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (451, b"4.7.1 Greylisted")}),
            TRANSIENT,
            "451 4.7.1 Greylisted",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (452, b"4.2.2 Mailbox full")}),
            TRANSIENT,
            "452 4.2.2 Mailbox full",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 User unknown")}),
            PERMANENT,
            "550 5.1.1 User unknown",
        ),
        (smtplib.SMTPDataError(554, b"5.7.1 Message rejected"), PERMANENT, "554 5.7.1"),
        (smtplib.SMTPDataError(451, b"4.3.0 Try later"), TRANSIENT, "451 4.3.0"),
        # A refusal of our own sender or login is this site's configuration: keep trying.
        (smtplib.SMTPSenderRefused(553, b"5.1.8 Bad sender", "campagne@x"), TRANSIENT, "553"),
        (smtplib.SMTPConnectError(421, b"Too many connections"), TRANSIENT, "421"),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), TRANSIENT, ""),
        (ConnectionRefusedError(111, "Connection refused"), TRANSIENT, "ConnectionRefused"),
        (TimeoutError("timed out"), TRANSIENT, "TimeoutError"),
        (AnymailRecipientsRefused("rejected"), PERMANENT, "rejected"),
        (AnymailInvalidAddress("not an address"), PERMANENT, "not an address"),
        (AnymailAPIError("ESP unavailable"), TRANSIENT, "ESP unavailable"),
    ],
)
def test_each_failure_is_sorted_with_the_servers_reason(error, kind, reason):
    failure = email_failure(error)

    assert failure is not None
    assert failure.kind is kind
    assert reason in failure.reason


def test_what_is_not_a_sending_failure_is_left_to_propagate():
    assert email_failure(KeyError("greeting")) is None


def test_retries_back_off_with_jitter_up_to_the_longest_delay():
    delays = [retry_delay(attempt=n, first_seconds=60, longest_seconds=3600) for n in range(12)]

    assert timedelta(seconds=30) <= delays[0] <= timedelta(seconds=60)
    assert timedelta(seconds=240) <= delays[3] <= timedelta(seconds=480)
    assert all(delay <= timedelta(seconds=3600) for delay in delays)
    assert delays[-1] >= timedelta(seconds=1800)
    assert (
        len({retry_delay(attempt=5, first_seconds=60, longest_seconds=3600) for _ in range(20)}) > 1
    )


@pytest.mark.parametrize(
    ("said", "stored"),
    [
        (
            "550 5.1.1 <someone@example.org>: Recipient address rejected: User unknown",
            "550 5.1.1 <address>: Recipient address rejected: User unknown",
        ),
        ("550 someone@example.org... User unknown.", "550 <address>... User unknown."),
        ("550 < Aynur.Tursun+camp@Gmail.com > unknown", "550 <address> unknown"),
        ('550 "aynur tursun"@example.org unknown', "550 <address> unknown"),
        ('550 <"a\\"b@c"@example.org> unknown', "550 <address> unknown"),
        ("550 gülnar@exämple.fr unknown", "550 <address> unknown"),
        ("550 gulnar@xn--exmple-cua.fr.", "550 <address>."),
        ("550 ئايnur@مثال.example unknown", "550 <address> unknown"),
        ("550 user@[192.0.2.1] unknown", "550 <address> unknown"),
        (
            '{"email": "a@b.org", "reason": "bounced"}',
            '{"email": "<address>", "reason": "bounced"}',
        ),
        ("550 <a@example.org>; 550 <b@example.org>", "550 <address>; 550 <address>"),
        # What names no one is kept as the server said it.
        (
            "421 4.7.0 mx.example.org closing: try later",
            "421 4.7.0 mx.example.org closing: try later",
        ),
    ],
)
def test_every_address_a_server_quotes_is_replaced_by_a_placeholder(said, stored):
    assert addresses_redacted(said) == stored


def test_a_refusal_that_quotes_the_signer_is_stored_without_their_address():
    refused = smtplib.SMTPRecipientsRefused(
        {"aynur@example.org": (550, b"5.1.1 <aynur@example.org>: User unknown")}
    )
    rejected = AnymailRecipientsRefused("Recipient aynur@example.org was rejected")

    assert email_failure(refused).reason == f"550 5.1.1 {ADDRESS_PLACEHOLDER}: User unknown"
    assert email_failure(rejected).reason == f"Recipient {ADDRESS_PLACEHOLDER} was rejected"


def test_an_address_the_length_limit_would_cut_is_still_taken_out():
    padding = "x" * 280
    refused = smtplib.SMTPDataError(554, f"5.7.1 {padding} aynur.tursun@example.org".encode())

    reason = email_failure(refused).reason

    assert "aynur" not in reason and "@" not in reason


def test_a_server_out_of_reach_warns_the_operator_once_a_minute_not_per_email(caplog, monkeypatch):
    import logging

    from core import email_sending

    monkeypatch.setattr(email_sending, "_operator_warned_at", [])
    outage = ConnectionRefusedError(111, "Connection refused")

    with caplog.at_level(logging.INFO, logger="core.email_sending"):
        for _email in range(50):
            email_failure(outage)
        # A recipient's refusal is no outage: nothing for the operator to mend.
        email_failure(smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"unknown")}))

    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "Connection refused" in warnings[0].getMessage()

"""A signer who forgot to click gets one reminder a day later, and never a second."""

import smtplib
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from petitions import confirmation_emails, reminders
from petitions.models import Petition, Signature
from tests.emailed_links import html_language, site_link_paths
from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as
from tests.petitions.outbox_clock import hours_pass, server_asks_again_now
from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.sealing_keys import sealed_data_of

ADDRESS = "aynur@example.org"


@pytest.fixture
def remind(django_capture_on_commit_callbacks):
    """Run beat's reminder sweep at a given moment, sending what it owes."""

    def remind(*, after_hours: float):
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reminders_queue(now=timezone.now() + timedelta(hours=after_hours))

    return remind


def test_a_pending_signer_gets_one_reminder_after_a_day_and_never_a_second(
    sign, remind, mailoutbox
):
    signature = sign(email=ADDRESS).signature
    signature.refresh_from_db()
    # Sealed once the email went: only an encrypted copy is kept for the reminder.
    assert signature.email == "" and signature.reminder_address is not None
    assert ADDRESS.encode() not in bytes(signature.reminder_address)

    assert remind(after_hours=23) == 0
    assert remind(after_hours=25) == 1
    assert remind(after_hours=50) == 0

    assert len(mailoutbox) == 2
    assert mailoutbox[1].to == [ADDRESS]
    assert mailoutbox[1].subject.startswith("Rappel")
    assert mailoutbox[1].extra_headers["Message-ID"] != mailoutbox[0].extra_headers["Message-ID"]
    signature.refresh_from_db()
    assert signature.reminded_at is not None
    assert signature.email == "" and signature.reminder_address is None


@pytest.fixture
def greylisting_server(monkeypatch):
    """A mail server that says "try later" to the reminder until told to accept it."""
    server = {"greylisting": False, "message_ids": []}
    really_send = confirmation_emails.email_send

    def send(message):
        server["message_ids"].append(message.extra_headers["Message-ID"])
        if server["greylisting"]:
            raise smtplib.SMTPRecipientsRefused({ADDRESS: (451, b"4.7.1 Greylisted, try later")})
        really_send(message)

    monkeypatch.setattr(confirmation_emails, "email_send", send)
    return server


def test_a_reminder_the_server_defers_three_days_after_signing_is_tried_again_until_it_goes(
    sign, remind, mailoutbox, greylisting_server, settings
):
    settings.SIGNATURE_REMINDER_AFTER_HOURS = 72
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    signature = sign(email=ADDRESS).signature
    hours_pass(signature, hours=73)
    greylisting_server["greylisting"] = True

    assert remind(after_hours=0) == 1

    signature.refresh_from_db()
    # Three days after signing, yet the reminder's first "try later" is not its last.
    assert signature.email_status == Signature.EmailStatus.DEFERRED
    assert signature.email == ADDRESS and signature.reminder_address is None

    greylisting_server["greylisting"] = False
    server_asks_again_now(signature)

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.SENT
    assert [message.to for message in mailoutbox] == [[ADDRESS], [ADDRESS]]
    assert mailoutbox[1].subject.startswith("Rappel")
    # Both attempts of the reminder were one message; nothing of the address is left readable.
    assert len(set(greylisting_server["message_ids"][1:])) == 1
    assert signature.email == "" and signature.reminder_address is None


def test_a_reminder_still_deferred_two_days_after_its_first_try_is_given_up_and_forgotten(
    sign, remind, mailoutbox, greylisting_server, settings
):
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    signature = sign(email=ADDRESS).signature
    hours_pass(signature, hours=25)
    greylisting_server["greylisting"] = True
    remind(after_hours=0)

    hours_pass(signature, hours=47)
    server_asks_again_now(signature)
    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.DEFERRED

    hours_pass(signature, hours=2)
    server_asks_again_now(signature)

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.FAILED
    assert signature.email_error.startswith("451 4.7.1 Greylisted")
    assert len(mailoutbox) == 1
    # Given up: no copy of the address is left readable, only the sealed one.
    assert signature.email == "" and signature.reminder_address is None
    assert sealed_data_of(signature)["email"] == ADDRESS


def test_a_signer_who_confirmed_gets_no_reminder_and_their_copy_is_destroyed(
    sign, confirm, remind, mailoutbox
):
    signature = sign(email=ADDRESS).signature
    confirm(signature)
    signature.refresh_from_db()

    assert signature.reminder_address is None
    assert remind(after_hours=25) == 0
    assert len(mailoutbox) == 1


def test_the_reminder_stays_within_the_mailboxs_daily_cap(sign, remind, mailoutbox):
    with override_settings(SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY=1):
        signature = sign(email=ADDRESS).signature
        remind(after_hours=25)

    signature.refresh_from_db()
    assert len(mailoutbox) == 1
    assert signature.email_status == Signature.EmailStatus.CAPPED
    assert signature.email == ""


def test_a_flagged_signer_keeps_no_copy_for_a_reminder(sign, remind, mailoutbox):
    with override_settings(SIGNATURE_RATE_LIMIT_PER_IP_HASH=1):
        sign(email="first@example.org")
        flagged = sign(email=ADDRESS).signature

    flagged.refresh_from_db()
    assert flagged.status == Signature.Status.FLAGGED and flagged.reminder_address is None


def test_the_dashboard_shows_how_many_confirmed_after_their_reminder(
    client, petition, sign, confirm, remind
):
    reminded = sign(email=ADDRESS).signature
    sign(email="other@example.org")
    remind(after_hours=25)
    confirm(reminded)
    logged_in_as(client, PETITION_MANAGERS)

    conversion = reminders.reminder_conversion(petition=petition)
    html = client.get(reverse("admin:petitions_petition_dashboard", args=[petition.pk])).content

    assert (conversion.sent, conversion.confirmed, conversion.rate) == (2, 1, 50)
    assert "1 (50 %)" in html.decode()


def test_the_reminder_is_in_the_signers_language_and_its_link_confirms(
    client, sign, remind, mailoutbox
):
    signature = sign(email=ADDRESS, language="en").signature
    remind(after_hours=25)

    reminder = mailoutbox[1]
    assert reminder.subject.startswith("Reminder")
    confirm_url = next(line for line in reminder.body.splitlines() if "/confirm" in line)
    path = confirm_url.removeprefix(settings.SITE_URL)
    assert path.startswith("/en/")
    assert client.get(path).status_code == 200
    client.post(path)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


def test_a_signer_who_signed_in_uyghur_is_reminded_in_french_once_uyghur_is_switched_off(
    client, sign, remind, mailoutbox
):
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        signature = sign(email=ADDRESS, language="ug").signature
        assert html_language(mailoutbox[0]) == "ug"
    # The campaign switched Uyghur off the next morning.
    remind(after_hours=25)

    reminder = mailoutbox[1]
    assert reminder.subject.startswith("Rappel\u00a0: ")
    assert html_language(reminder) == "fr"
    paths = site_link_paths(reminder)
    assert all(path.startswith("/petition/") for path in paths), paths
    confirm_path = next(path for path in paths if path.startswith("/petition/confirm/"))
    assert client.get(confirm_path).status_code == 200  # no detour by a redirect
    client.post(confirm_path)

    signature.refresh_from_db()
    assert signature.status == Signature.Status.CONFIRMED


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_a_signer_who_signed_in_uyghur_is_reminded_in_uyghur_while_it_is_served(
    sign, remind, mailoutbox
):
    sign(email=ADDRESS, language="ug")
    remind(after_hours=25)

    reminder = mailoutbox[1]
    assert reminder.subject.startswith("Reminder: ")  # Uyghur's words not written yet: English
    assert html_language(reminder) == "ug"
    paths = site_link_paths(reminder)
    assert paths and all(path.startswith("/ug/petition/") for path in paths), paths


def test_a_signer_of_a_petition_closed_since_is_not_asked_to_confirm_what_no_longer_can_be(
    petition, sign, remind, mailoutbox
):
    signature = sign(email=ADDRESS).signature
    petition.status = Petition.Status.CLOSED
    petition.save()

    assert remind(after_hours=25) == 0

    assert len(mailoutbox) == 1
    signature.refresh_from_db()
    assert signature.reminder_address is None and signature.email == ""


def test_a_reminder_already_queued_when_the_petition_closes_is_not_sent(petition, sign, mailoutbox):
    signature = sign(email=ADDRESS).signature
    # Owed, but not sent yet: the senders have not woken.
    assert reminders.reminders_queue(now=timezone.now() + timedelta(hours=25)) == 1
    petition.status = Petition.Status.CLOSED
    petition.save()

    assert confirmation_emails.confirmations_send() == 0

    assert len(mailoutbox) == 1
    signature.refresh_from_db()
    assert signature.email == "" and signature.reminder_address is None
    assert signature.confirmation_sent_at is None
    assert not confirmation_emails.confirmations_due(
        now=timezone.now() + timedelta(days=1)
    ).exists()

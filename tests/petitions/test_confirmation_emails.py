"""The confirmation email, sent from the signature row: once, on time, and never abused."""

import itertools
import re
import smtplib
from datetime import timedelta
from email.header import decode_header, make_header
from email.utils import parseaddr
from unittest import mock

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.test import override_settings
from django.utils import timezone

from petitions import confirmation_emails, review
from petitions.models import Signature
from petitions.sealing import news_address_close
from tests.emailed_links import html_language, site_link_paths
from tests.factories import SignatureFactory
from tests.petitions.outbox_clock import hours_pass, server_asks_again_now
from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.sealing_keys import sealed_data_of

pytestmark = pytest.mark.django_db


class ScriptedBackend(LocmemBackend):
    """A mail server that answers each address as the test scripts it, then accepts.

    `replies` maps an address to the exceptions to raise, one per attempt, in order.
    """

    replies: dict[str, list[Exception]] = {}
    attempts: list[tuple[str, str]] = []

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            ScriptedBackend.attempts.append((address, message.extra_headers["Message-ID"]))
            scripted = ScriptedBackend.replies.get(address) or []
            if scripted:
                raise scripted.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def mail_server(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.replies, ScriptedBackend.attempts = {}, []
    from core import email_sending

    email_sending.connection_close()
    yield ScriptedBackend
    email_sending.connection_close()


def _greylisted(address: str) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (451, b"4.7.1 Greylisted, try again later")})


def _unknown(address: str) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 User unknown")})


def test_a_pending_signer_who_signs_again_gets_the_email_again_up_to_the_cap(
    sign, petition, mailoutbox
):
    with override_settings(
        SIGNATURE_CONFIRMATION_SEND_CAP=3, SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS=0
    ):
        for _ in range(5):
            sign()

    assert petition.signatures.count() == 1
    assert len(mailoutbox) == 3
    assert petition.signatures.get().confirmation_send_count == 3
    assert len({message.extra_headers["Message-ID"] for message in mailoutbox}) == 3


def test_a_sign_button_pressed_twice_sends_one_email_and_spends_no_resend(
    sign, petition, mailoutbox
):
    with override_settings(SIGNATURE_CONFIRMATION_RESEND_AFTER_SECONDS=60):
        sign()
        sign()  # the second press, a moment later
        assert len(mailoutbox) == 1
        assert petition.signatures.get().confirmation_send_count == 1

        # A minute on, the signer who found no email asks again, and is sent it again.
        Signature.objects.update(confirmation_sent_at=timezone.now() - timedelta(seconds=61))
        sign()

    assert len(mailoutbox) == 2


def test_signing_queues_no_message_per_signature_but_wakes_one_sender(sign):
    with mock.patch("petitions.tasks.confirmations_send_task.apply_async") as publish:
        for number in range(5):
            sign(email=f"surge{number}@example.org")

    assert publish.call_count == 1
    assert Signature.objects.confirmation_owed().count() == 5


def test_the_sweep_sends_what_is_due_and_nothing_twice(petition, mailoutbox):
    now = timezone.now()
    due = SignatureFactory(petition=petition, confirmation_due_at=now - timedelta(minutes=5))
    SignatureFactory(petition=petition, confirmation_sent_at=now)
    SignatureFactory(petition=petition, confirmation_due_at=now + timedelta(minutes=1))

    assert confirmation_emails.confirmations_send() == 1
    assert confirmation_emails.confirmations_send() == 0

    assert [message.to for message in mailoutbox] == [[due.email]]


def test_an_email_another_sender_has_claimed_is_left_to_it(petition, mailoutbox):
    SignatureFactory(petition=petition)
    [claimed] = confirmation_emails.confirmations_claim()

    assert confirmation_emails.confirmations_send() == 0
    assert mailoutbox == []
    claimed.refresh_from_db()
    assert claimed.confirmation_due_at > timezone.now()  # due again if its sender dies


def test_the_claim_takes_exactly_the_emails_the_queryset_says_are_due(petition):
    now = timezone.now()
    for status, sent_at, due_at, email_status in itertools.product(
        Signature.Status.values,
        [None, now],
        [now - timedelta(minutes=1), now + timedelta(minutes=1)],
        Signature.EmailStatus.values,
    ):
        SignatureFactory(
            petition=petition,
            status=status,
            confirmed_at=now if status == Signature.Status.CONFIRMED else None,
            confirmation_sent_at=sent_at,
            confirmation_due_at=due_at,
            email_status=email_status,
        )
    due = set(
        confirmation_emails.confirmations_due(now=timezone.now()).values_list("pk", flat=True)
    )

    claimed = {signature.pk for signature in confirmation_emails.confirmations_claim(limit=1000)}

    assert claimed == due
    # pending or flagged, not sent, due, and an address that takes mail (not yet sent, sent,
    # delivered, deferred by the server)
    assert len(due) == 2 * 4
    assert confirmation_emails.confirmations_claim(limit=1000) == []


def test_a_greylisted_email_is_tried_again_later_and_sent_once(petition, mail_server, mailoutbox):
    signature = SignatureFactory(petition=petition, email="student@university.example")
    mail_server.replies = {signature.email: [_greylisted(signature.email)]}

    assert confirmation_emails.confirmations_send() == 0

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.DEFERRED
    assert signature.email_error.startswith("451 4.7.1 Greylisted")
    assert signature.confirmation_attempts == 1
    assert signature.confirmation_due_at > timezone.now() + timedelta(seconds=29)
    Signature.objects.filter(pk=signature.pk).update(confirmation_due_at=timezone.now())

    assert confirmation_emails.confirmations_send() == 1

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.SENT
    assert [message.to for message in mailoutbox] == [["student@university.example"]]
    assert signature.email == ""  # sent: the site no longer needs to read it
    # Both attempts were one message: the same Message-ID.
    assert len({message_id for _address, message_id in mail_server.attempts}) == 1


def test_a_refused_recipient_is_recorded_with_the_reason_and_never_tried_again(
    petition, mail_server, mailoutbox
):
    signature = SignatureFactory(petition=petition, email="nobody@example.org")
    mail_server.replies = {signature.email: [_unknown(signature.email)]}

    confirmation_emails.confirmations_send()
    Signature.objects.filter(pk=signature.pk).update(confirmation_due_at=timezone.now())
    confirmation_emails.confirmations_send()

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.REJECTED
    assert signature.email_error == "550 5.1.1 User unknown"
    assert len(mail_server.attempts) == 1
    assert mailoutbox == []
    # Never to be sent: sealed at once.
    assert signature.email == "" and sealed_data_of(signature)["email"] == "nobody@example.org"


def test_a_signer_whose_mailbox_does_not_exist_is_not_kept_for_news(petition, mail_server):
    signature = SignatureFactory(
        petition=petition,
        email="nobody@example.org",
        newsletter_opt_in=True,
        news_address=news_address_close("nobody@example.org"),
    )
    mail_server.replies = {signature.email: [_unknown(signature.email)]}

    confirmation_emails.confirmations_send()

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.REJECTED
    # The site can read the address nowhere now; the data officers still can, with their key.
    assert (signature.newsletter_opt_in, signature.news_address) == (False, None)
    assert sealed_data_of(signature)["email"] == "nobody@example.org"


def test_refusals_for_now_are_given_up_two_days_after_the_email_was_owed(
    petition, mail_server, settings
):
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    signature = SignatureFactory(petition=petition)
    hours_pass(signature, hours=49)
    mail_server.replies = {signature.email: [_greylisted(signature.email)]}

    confirmation_emails.confirmations_send()

    signature.refresh_from_db()
    assert signature.email_status == Signature.EmailStatus.FAILED
    assert "451" in signature.email_error


def test_a_flagged_signer_approved_three_days_after_signing_is_still_retried_for_two_days(
    sign, mail_server, settings, mailoutbox
):
    settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH = 1
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    sign(email="first@example.org")
    held = sign(email="held@example.org").signature
    hours_pass(held, hours=72)
    mail_server.replies = {"held@example.org": [_greylisted("held@example.org")] * 2}

    review.signatures_approve(signatures=Signature.objects.filter(pk=held.pk))
    confirmation_emails.confirmations_send()

    held.refresh_from_db()
    # Approved three days after signing, yet its first "try later" is not its last.
    assert held.email_status == Signature.EmailStatus.DEFERRED

    hours_pass(held, hours=47)
    server_asks_again_now(held)
    held.refresh_from_db()
    assert held.email_status == Signature.EmailStatus.DEFERRED

    server_asks_again_now(held)
    held.refresh_from_db()
    assert held.email_status == Signature.EmailStatus.SENT
    assert [message.to[0] for message in mailoutbox] == ["first@example.org", "held@example.org"]


def test_a_flagged_signer_emailed_after_a_long_delay_is_retried_from_then_not_from_signing(
    sign, petition, mail_server, settings
):
    settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH = 1
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    petition.flagged_email_delay_hours = 72
    petition.save()
    sign(email="first@example.org")
    held = sign(email="held@example.org").signature
    mail_server.replies = {"held@example.org": [_greylisted("held@example.org")] * 2}

    hours_pass(held, hours=72)  # the petition's delay is over: the email is due
    confirmation_emails.confirmations_send()
    held.refresh_from_db()
    assert held.email_status == Signature.EmailStatus.DEFERRED

    hours_pass(held, hours=49)  # still refused two days after it became due: given up
    server_asks_again_now(held)
    held.refresh_from_db()
    assert held.email_status == Signature.EmailStatus.FAILED


def test_a_pending_signer_who_signs_again_days_later_is_retried_from_signing_again(
    sign, mail_server, settings, mailoutbox
):
    settings.SIGNATURE_EMAIL_RETRY_HOURS = 48
    signature = sign(email="again@example.org").signature
    hours_pass(signature, hours=72)
    mail_server.replies = {"again@example.org": [_greylisted("again@example.org")]}

    sign(email="again@example.org")

    signature.refresh_from_db()
    # Owed again three days after signing: its first "try later" is not its last.
    assert signature.email_status == Signature.EmailStatus.DEFERRED
    server_asks_again_now(signature)
    assert [message.to[0] for message in mailoutbox] == ["again@example.org"] * 2


def test_a_mailbox_gets_at_most_its_daily_emails_however_its_address_is_spelt(
    sign, settings, mailoutbox
):
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 3
    spellings = [
        "victim@example.org",
        "victim+1@example.org",
        '"victim"@example.org',
        "v.i.c.t.i.m@example.org",
        "VICTIM+spam@Example.org",
        "someone.else@example.org",
    ]

    for address in spellings:
        sign(email=address)

    assert [message.to[0] for message in mailoutbox] == [
        "victim@example.org",
        "victim+1@example.org",
        '"victim"@example.org',
        "someone.else@example.org",
    ]
    capped = Signature.objects.filter(email_status=Signature.EmailStatus.CAPPED)
    # Never to be emailed: sealed at once, the address kept only for the data officers.
    assert sorted(sealed_data_of(signature)["email"] for signature in capped) == [
        "VICTIM+spam@Example.org",
        "v.i.c.t.i.m@example.org",
    ]
    assert set(capped.values_list("email", flat=True)) == {""}
    assert confirmation_emails.confirmations_send() == 0  # held, not retried


def test_a_flagged_signer_is_emailed_once_approved_or_after_the_petitions_delay(
    sign, petition, settings, mailoutbox
):
    settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH = 1
    petition.flagged_email_delay_hours = 24
    petition.save()
    sign(email="first@example.org")
    second = sign(email="second@example.org").signature
    third = sign(email="third@example.org").signature

    assert second.status == third.status == Signature.Status.FLAGGED
    assert [message.to for message in mailoutbox] == [["first@example.org"]]

    review.signatures_approve(signatures=Signature.objects.filter(pk=second.pk))
    confirmation_emails.confirmations_send()
    assert [message.to[0] for message in mailoutbox][1:] == ["second@example.org"]

    Signature.objects.filter(pk=third.pk).update(
        confirmation_due_at=timezone.now() - timedelta(seconds=1)
    )
    confirmation_emails.confirmations_send()
    assert [message.to[0] for message in mailoutbox][2:] == ["third@example.org"]


@pytest.mark.parametrize(
    ("first_name", "greeting"),
    [
        ("Aynur", "Bonjour Aynur,"),
        ("Jean-Luc O’Brien", "Bonjour Jean-Luc O’Brien,"),
        ("ئابدۇلئەزىز", "Bonjour ئابدۇلئەزىز,"),
        ("Visit http://evil.example/claim now", "Bonjour,"),
        ("<b>Aynur</b>", "Bonjour,"),
        ("Aynur2", "Bonjour,"),
        ("Ay\u202enur", "Bonjour Aynur,"),
    ],
)
def test_the_greeting_names_the_signer_only_when_the_name_looks_like_one(
    sign, first_name, greeting, mailoutbox
):
    sign(first_name=first_name)

    [message] = mailoutbox
    assert message.body.startswith(greeting + "\n")
    html = message.alternatives[0][0]
    assert f"<p>{greeting}</p>" in html
    assert "evil" not in message.body and "evil" not in html


@pytest.mark.parametrize(
    ("language", "sender_name"),
    [("fr", "Libérez Mamat"), ("en", "Free Mamat"), ("ug", "Free Mamat")],
)
def test_the_email_comes_from_the_campaign_named_in_the_signers_language(
    sign, language, sender_name, settings, mailoutbox
):
    settings.DEFAULT_FROM_EMAIL = "Operator <campagne@mamat.example.org>"
    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR

    sign(language=language)

    [message] = mailoutbox
    from_header = str(make_header(decode_header(message.message()["From"])))
    assert parseaddr(from_header) == (sender_name, "campagne@mamat.example.org")


def test_a_signer_who_signed_in_uyghur_switched_off_since_is_emailed_in_french(
    petition, mailoutbox
):
    # The campaign switched Uyghur off before the email went: it no longer stands behind the
    # words of that translation, and /ug/ links would only redirect.
    SignatureFactory(petition=petition, language="ug")

    assert confirmation_emails.confirmations_send() == 1

    [message] = mailoutbox
    assert message.subject.startswith("Confirmez votre signature\u00a0: ")
    assert message.from_email.startswith("Libérez Mamat <")
    assert html_language(message) == "fr"
    paths = site_link_paths(message)
    assert {"confirm", "withdraw"} <= {path.split("/")[2] for path in paths}
    assert all(path.startswith("/petition/") for path in paths), paths


def test_a_signer_who_signed_in_uyghur_is_emailed_in_uyghur_while_it_is_served(
    petition, settings, mailoutbox
):
    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR
    SignatureFactory(petition=petition, language="ug")

    assert confirmation_emails.confirmations_send() == 1

    [message] = mailoutbox
    # Uyghur's catalogue is still mostly empty: its words fall back to English, not French.
    assert message.subject.startswith("Confirm your signature: ")
    assert html_language(message) == "ug"
    paths = site_link_paths(message)
    assert {"confirm", "withdraw"} <= {path.split("/")[3] for path in paths}
    assert all(path.startswith("/ug/petition/") for path in paths), paths


def test_the_html_email_fits_a_phone_shows_one_button_to_confirm_and_loads_nothing(
    sign, mailoutbox
):
    sign()

    [message] = mailoutbox
    html = message.alternatives[0][0]
    confirm_url = re.search(r"https?://\S+/petition/confirm/\S+/", message.body).group(0)
    assert '<html lang="fr" dir="ltr">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    # The link to confirm is drawn as a button, in the campaign's colour.
    button = re.search(rf'<td style="[^"]*background: #0b4f79;">\s*<a href="{confirm_url}"', html)
    assert button, html
    assert html.count(confirm_url) == 1
    # Opening the email tells no server anything: nothing to fetch, not even a style sheet.
    assert not re.search(r"\bsrc=|<link|url\(|@import", html)

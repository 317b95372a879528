"""A signer whose withdrawal link has expired asks the site for a new one, by address."""

import logging
import re
import smtplib
import time
from datetime import timedelta

import pytest
from django.core import signing as django_signing
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from core import email_sending
from petitions import erasure, signature_links, withdrawal_links
from petitions.models import MailboxDailySends, Signature, WithdrawalLinkRequest
from petitions.tasks import withdrawal_links_email_task
from tests.config.processes import python_printed
from tests.factories import PetitionFactory, SignatureFactory

FORM_PATH = "/petition/withdrawal-link/"
SENT_PATH = "/petition/withdrawal-link/sent/"


@pytest.fixture
def ask(client, django_capture_on_commit_callbacks):
    """Post the form as a visitor would, from `ip`, running what waits for the commit (the
    worker's wake); return the answer."""

    def ask(email, *, ip="198.51.100.4", path=FORM_PATH):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, {"email": email}, REMOTE_ADDR=ip)

    return ask


@pytest.fixture
def messages_lost(monkeypatch):
    """The broker loses every message that would wake a worker: only beat's sweep is left."""
    monkeypatch.setattr(withdrawal_links_email_task, "apply_async", lambda *args, **kwargs: None)


def _sweep() -> int:
    """Run beat's sweep of the requests due, as the worker would run it; return emails sent."""
    return withdrawal_links_email_task.apply().get()


def _later(**delta) -> None:
    """Let time pass for the requests waiting: they fall due as if `delta` had gone by."""
    WithdrawalLinkRequest.objects.update(
        due_at=timezone.now() - timedelta(seconds=1),
        requested_at=timezone.now() - timedelta(**delta),
    )


def _expired_withdrawal_token(signature, settings, monkeypatch) -> str:
    """The token of the withdrawal link a signer was emailed more than a year ago."""
    year_ago = time.time() - settings.SIGNATURE_WITHDRAW_LINK_MAX_AGE - 60
    monkeypatch.setattr(django_signing.time, "time", lambda: year_ago)
    token = signature_links.withdrawal_token_make(signature=signature)
    monkeypatch.undo()
    return token


def _signature_of(path: str) -> Signature:
    """The signature a withdrawal link is for."""
    return signature_links.signature_for_withdrawal(token=path.rstrip("/").rsplit("/", 1)[1])


def _withdrawal_paths(message) -> list[str]:
    return re.findall(r"http://testserver(\S*/petition/withdraw/[^/\s]+/)", message.body)


def test_a_signer_a_year_later_gets_a_new_link_by_email_and_withdraws(
    client, ask, sign, confirm, petition, mailoutbox, settings, monkeypatch,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    signature = sign(email="Aynur@Example.org").signature
    confirm(signature)
    mailoutbox.clear()
    old_token = _expired_withdrawal_token(signature, settings, monkeypatch)

    # The link of last year's email: expired, and the page leads to the form.
    expired_page = client.get(f"/petition/withdraw/{old_token}/").content.decode()
    assert "fonctionnent un an" in expired_page
    assert f'href="{FORM_PATH}"' in expired_page
    assert (
        "<h1>Un nouveau lien pour retirer votre signature</h1>"
        in client.get(FORM_PATH).content.decode()
    )

    answer = ask("aynur@example.org")

    assert answer.status_code == 302 and answer["Location"] == SENT_PATH
    assert "nous lui avons envoyé" in client.get(SENT_PATH).content.decode()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["aynur@example.org"]  # the address typed, not another spelling
    assert petition.title in email.body
    assert len(email.alternatives) == 1 and email.alternatives[0][1] == "text/html"
    (path,) = _withdrawal_paths(email)
    assert "Retirer ma signature de cette pétition" in email.alternatives[0][0]

    assert client.get(path).status_code == 200  # the link works: the page asks first
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = client.post(path)

    assert withdrawn["Location"] == "/petition/withdrawn/"
    assert not Signature.objects.filter(pk=signature.pk).exists()


def test_an_address_that_never_signed_gets_no_email_and_the_same_answer(
    client, ask, sign, mailoutbox
):
    sign(email="aynur@example.org")
    mailoutbox.clear()

    signed = ask("aynur@example.org", ip="198.51.100.4")
    never_signed = ask("stranger@example.org", ip="198.51.100.5")

    assert never_signed.status_code == signed.status_code == 302
    assert never_signed["Location"] == signed["Location"] == SENT_PATH
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    # Nothing counted against the stranger's mailbox either: no row says it was looked for,
    # and their request is gone with the signer's once answered.
    assert MailboxDailySends.objects.count() == 1
    assert not WithdrawalLinkRequest.objects.exists()


def test_one_mailbox_is_sent_no_more_emails_a_day_than_its_cap(ask, petition, mailoutbox, settings):
    settings.WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY = 2
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    answers = [ask(spelling, ip=f"198.51.100.{n}") for n, spelling in enumerate(
        ["aynur@example.org", "Aynur@example.org", "AYNUR@example.org"]
    )]  # fmt: skip

    assert {answer["Location"] for answer in answers} == {SENT_PATH}
    assert len(mailoutbox) == 2
    assert not WithdrawalLinkRequest.objects.exists()  # the capped request is not kept either


def test_links_asked_for_all_day_leave_the_signers_confirmation_emails_alone(
    ask, sign, petition, mailoutbox, settings
):
    settings.WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY = 1
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 1
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    # Someone types the signer's address again and again, from several networks.
    for n in range(3):
        ask("aynur@example.org", ip=f"198.51.100.{n}")
    assert len(mailoutbox) == 1  # the links' own cap

    # The signer signs another petition the same day: their confirmation email still goes.
    other_petition = PetitionFactory(slug="liberez-les-autres", title_fr="Libérez les autres")
    sign(petition=other_petition, email="aynur@example.org")

    assert len(mailoutbox) == 2
    assert "confirm" in mailoutbox[-1].body
    assert MailboxDailySends.objects.get().count == 1


def test_confirmation_emails_up_to_their_cap_leave_the_links_their_own(
    ask, sign, mailoutbox, settings
):
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 1
    sign(email="aynur@example.org")  # the confirmation is the mailbox's last for today

    ask("aynur@example.org")

    assert len(mailoutbox) == 2  # the confirmation, and the email of links
    counted = MailboxDailySends.objects.get()
    assert (counted.count, counted.withdrawal_link_count) == (1, 1)


def test_requests_from_one_client_over_the_rate_limit_send_nothing(
    ask, petition, mailoutbox, settings
):
    settings.WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH = 2
    for name in ("aynur", "gulnar", "mehmet"):
        SignatureFactory(petition=petition, email=f"{name}@example.org", confirmed=True)

    answers = [ask(f"{name}@example.org") for name in ("aynur", "gulnar", "mehmet")]

    assert {answer["Location"] for answer in answers} == {SENT_PATH}
    assert [message.to for message in mailoutbox] == [
        ["aynur@example.org"],
        ["gulnar@example.org"],
    ]
    ask("mehmet@example.org", ip="203.0.113.9")  # another client is not held back
    assert mailoutbox[-1].to == ["mehmet@example.org"]


def test_the_emailed_link_withdraws_only_that_signers_signature_on_that_petition(
    client, ask, petition, mailoutbox, django_capture_on_commit_callbacks
):
    other_petition = PetitionFactory(slug="liberez-les-autres", title_fr="Libérez les autres")
    on_first = SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    on_other = SignatureFactory(petition=other_petition, email="aynur@example.org", confirmed=True)
    someone_else = SignatureFactory(petition=petition, email="gulnar@example.org", confirmed=True)

    ask("aynur@example.org")

    (email,) = mailoutbox
    # Each petition's title, then the link to withdraw the signature given to it.
    listed = dict(
        re.findall(r"^(.+)\nhttp://testserver(\S*/petition/withdraw/[^/\s]+/)$", email.body, re.M)
    )
    assert {title: _signature_of(path) for title, path in listed.items()} == {
        petition.title: on_first,
        other_petition.title: on_other,
    }
    first_path = listed[petition.title]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(first_path)

    assert list(Signature.objects.order_by("pk")) == [on_other, someone_else]


def test_an_erased_signature_is_not_offered_and_its_address_is_not_emailed(
    ask, petition, mailoutbox
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    Signature.objects.update(erased_at="2025-01-01T00:00:00Z")

    ask("aynur@example.org")

    assert mailoutbox == []


def test_the_form_and_its_answer_speak_english_on_the_english_site(client, ask, db):
    form_page = client.get("/en/petition/withdrawal-link/").content.decode()
    assert "<h1>A new link to withdraw your signature</h1>" in form_page
    assert 'action="/en/petition/withdrawal-link/"' in form_page

    answer = ask("aynur@example.org", path="/en/petition/withdrawal-link/")

    assert answer["Location"] == "/en/petition/withdrawal-link/sent/"
    assert "If this address signed" in client.get(answer["Location"]).content.decode()


def test_the_email_is_in_the_language_the_signer_chose_when_signing(ask, petition, mailoutbox):
    SignatureFactory(petition=petition, email="aynur@example.org", language="en", confirmed=True)

    ask("aynur@example.org")  # from the French page

    (email,) = mailoutbox
    assert email.subject == "Your link to withdraw your signature"
    assert all(path.startswith("/en/petition/withdraw/") for path in _withdrawal_paths(email))


def test_a_signer_of_a_language_switched_off_reads_the_email_in_the_language_they_ask_in(
    ask, petition, mailoutbox, settings
):
    settings.LANGUAGES = [("fr", "Français"), ("en", "English")]  # Uyghur switched off
    SignatureFactory(petition=petition, email="aynur@example.org", language="ug", confirmed=True)

    ask("aynur@example.org", path="/en/petition/withdrawal-link/")

    (email,) = mailoutbox
    assert email.subject == "Your link to withdraw your signature"
    assert all(path.startswith("/en/petition/withdraw/") for path in _withdrawal_paths(email))


def test_a_wrong_address_is_said_so_and_kept_in_the_form(client, ask, mailoutbox, db):
    page = ask("aynur@example")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Saisissez une adresse e-mail valide" in html
    assert 'value="aynur@example"' in html
    assert mailoutbox == []


def test_a_form_refused_by_the_csrf_check_gives_the_address_back(petition, mailoutbox):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    client = Client(enforce_csrf_checks=True)

    page = client.post(FORM_PATH, {"email": "aynur@example.org"})

    assert page.status_code == 403
    html = page.content.decode()
    assert "Rien n’a encore été envoyé" in html
    assert 'value="aynur@example.org"' in html
    assert mailoutbox == []


def test_the_privacy_page_and_the_withdrawn_page_lead_to_the_form(client, mamat_campaign):
    privacy = client.get(reverse("campaign:page", kwargs={"slug": "privacy"}))
    withdrawn = client.get("/petition/withdrawn/")

    assert f'href="{FORM_PATH}"' in privacy.content.decode()
    assert f'href="{FORM_PATH}"' in withdrawn.content.decode()


def test_neither_the_address_nor_the_links_reach_a_log_or_the_broker_in_clear(
    ask, petition, mailoutbox, caplog, monkeypatch
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    queued = []
    run = withdrawal_links_email_task.apply_async
    monkeypatch.setattr(
        withdrawal_links_email_task,
        "apply_async",
        lambda *args, **kwargs: queued.append((args, kwargs)) or run(*args, **kwargs),
    )

    with caplog.at_level(logging.DEBUG):
        ask("aynur@example.org")

    assert queued  # a worker was woken, told nothing but to look
    assert "aynur" not in repr(queued)
    (email,) = mailoutbox
    token = _withdrawal_paths(email)[0].split("/")[-2]
    logged = caplog.text + repr([record.args for record in caplog.records])
    assert "aynur" not in logged and token not in logged


def test_a_server_saying_later_gives_the_mailbox_its_place_back(petition, settings):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    SignatureFactory(petition=petition, email="flaky-links@example.org", confirmed=True)

    outcome = withdrawal_links.withdrawal_links_send(email="flaky-links@example.org", language="fr")

    assert outcome is withdrawal_links.WithdrawalLinksOutcome.DEFERRED
    counted = MailboxDailySends.objects.get()
    assert counted.withdrawal_link_count == 0  # it may be tried again today
    assert counted.count == 0  # and the confirmations' count was never touched


def test_a_refusal_for_good_is_logged_without_the_address(petition, settings, caplog):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.RefusingEmailBackend"
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    outcome = withdrawal_links.withdrawal_links_send(email="aynur@example.org", language="fr")

    assert outcome is withdrawal_links.WithdrawalLinksOutcome.REFUSED
    assert "refused for good" in caplog.text and "aynur" not in caplog.text


@pytest.fixture
def greylisting_server(settings):
    """A mail server that answers "451 try later" to the first email to each address."""
    settings.EMAIL_BACKEND = f"{__name__}.{GreylistingServer.__name__}"
    GreylistingServer.seen = set()
    email_sending.connection_close()
    yield GreylistingServer
    email_sending.connection_close()


class GreylistingServer(LocmemBackend):
    seen: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address not in self.seen:
                self.seen.add(address)
                raise smtplib.SMTPRecipientsRefused({address: (451, b"4.7.1 Greylisted")})
        return super().send_messages(messages)


def test_a_request_the_server_deferred_is_sent_by_the_sweep_after_the_worker_is_gone(
    ask, petition, mailoutbox, greylisting_server
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    ask("aynur@example.org")  # the worker's first attempt meets "451"; then the worker dies

    assert mailoutbox == []
    waiting = WithdrawalLinkRequest.objects.get()
    assert waiting.attempts == 1 and waiting.due_at > timezone.now()
    _later(minutes=5)

    assert _sweep() == 1  # beat's sweep, on a worker that never heard of the first

    (email,) = mailoutbox
    assert email.to == ["aynur@example.org"]
    assert email.extra_headers["Message-ID"] == waiting.message_id  # the same message, again
    assert not WithdrawalLinkRequest.objects.exists()


def test_a_lost_message_delays_the_email_but_the_sweep_sends_it(
    ask, petition, mailoutbox, messages_lost, settings
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    answer = ask("aynur@example.org")

    assert answer["Location"] == SENT_PATH and mailoutbox == []
    beat_runs = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert withdrawal_links_email_task.name in beat_runs
    _sweep()
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    assert not WithdrawalLinkRequest.objects.exists()


def test_requests_of_one_mailbox_pending_at_once_are_one_email(
    ask, petition, mailoutbox, messages_lost
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    for n, spelling in enumerate(["aynur@example.org", "Aynur@Example.org", "aynur@example.org"]):
        ask(spelling, ip=f"198.51.100.{n}")
    _sweep()
    _sweep()

    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    assert not WithdrawalLinkRequest.objects.exists()


def test_a_request_waiting_in_the_database_names_no_one(ask, petition, messages_lost):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    ask("Aynur@Example.org", path="/en/petition/withdrawal-link/")

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mailbox_hash, address_box, language, message_id"
            " FROM petitions_withdrawallinkrequest"
        )
        (row,) = cursor.fetchall()
    stored = bytes(row[1]).decode("latin-1") + repr(row)
    assert "aynur" not in stored.lower()
    # The running site, with its key, reads the address typed, and the language asked in.
    request = WithdrawalLinkRequest.objects.get()
    assert withdrawal_links.address_box_open(request.address_box) == "Aynur@Example.org"
    assert request.language == "en"


def test_an_erased_signers_request_waiting_goes_with_their_data(
    ask, petition, messages_lost, mailoutbox
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    ask("aynur@example.org")

    erasure.signer_erase(email="Aynur@example.org", actor=None)

    assert not WithdrawalLinkRequest.objects.exists()
    _sweep()
    assert mailoutbox == []


def test_a_server_saying_later_is_asked_again_after_a_backoff(
    ask, petition, settings, greylisting_server
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    before = timezone.now()

    ask("aynur@example.org")

    waiting = WithdrawalLinkRequest.objects.get()
    first = timedelta(seconds=settings.SIGNATURE_EMAIL_RETRY_BACKOFF)
    assert before + first / 2 <= waiting.due_at <= timezone.now() + first


def test_a_server_saying_later_for_days_is_given_up(ask, petition, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    SignatureFactory(petition=petition, email="flaky-days@example.org", confirmed=True)
    ask("flaky-days@example.org")
    assert WithdrawalLinkRequest.objects.get().attempts == 1
    _later(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS, minutes=-1)
    _sweep()
    assert WithdrawalLinkRequest.objects.get().attempts == 2  # still within the hours

    _later(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS, minutes=1)
    _sweep()

    assert not WithdrawalLinkRequest.objects.exists() and mailoutbox == []


def test_a_request_whose_sender_never_came_is_gone_after_the_retry_hours(
    ask, petition, settings, messages_lost, mailoutbox
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    ask("aynur@example.org")
    # Claimed by a worker that died, and left far in the future: nothing is due.
    WithdrawalLinkRequest.objects.update(
        due_at=timezone.now() + timedelta(days=30),
        requested_at=timezone.now() - timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS + 1),
    )

    _sweep()

    assert not WithdrawalLinkRequest.objects.exists() and mailoutbox == []


def test_with_the_broker_away_the_visitor_is_answered_the_same_and_the_sweep_sends(
    ask, petition, mailoutbox, monkeypatch, caplog
):
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    def broker_away(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(withdrawal_links_email_task, "apply_async", broker_away)

    answer = ask("aynur@example.org")

    assert answer.status_code == 302 and answer["Location"] == SENT_PATH
    assert "not queued (OperationalError)" in caplog.text
    _sweep()
    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]


def test_a_message_queued_by_the_release_before_is_kept_as_a_request(petition, mailoutbox):
    import base64

    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)
    sealed = base64.b64encode(withdrawal_links.address_box_close("aynur@example.org")).decode()

    withdrawal_links_email_task.apply(args=(sealed, "fr", timezone.now().isoformat()))

    assert [message.to for message in mailoutbox] == [["aynur@example.org"]]
    assert not WithdrawalLinkRequest.objects.exists()


def test_the_operator_sets_the_limits_in_the_environment():
    printed = python_printed(
        "from django.conf import settings as s; print(s.WITHDRAWAL_LINK_REQUESTS_PER_IP_HASH,"
        " s.WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH,"
        " s.WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY)",
        WITHDRAWAL_LINK_REQUESTS_PER_IP_HASH="40",
        WITHDRAWAL_LINK_REQUESTS_BURST_PER_IP_HASH="7",
        WITHDRAWAL_LINK_EMAILS_PER_MAILBOX_PER_DAY="5",
    )

    assert printed == ["40", "7", "5"]

"""A signer whose withdrawal link has expired asks the site for a new one, by address."""

import logging
import re
import time
from datetime import timedelta

import pytest
from celery.exceptions import Retry
from django.core import signing as django_signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from petitions import signature_links, withdrawal_links
from petitions.models import MailboxDailySends, Signature
from petitions.tasks import withdrawal_links_email_task
from tests.factories import PetitionFactory, SignatureFactory

FORM_PATH = "/petition/withdrawal-link/"
SENT_PATH = "/petition/withdrawal-link/sent/"


@pytest.fixture
def ask(client):
    """Post the form as a visitor would, from `ip`; return the answer."""

    def ask(email, *, ip="198.51.100.4", path=FORM_PATH):
        return client.post(path, {"email": email}, REMOTE_ADDR=ip)

    return ask


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
    # Nothing counted against the stranger's mailbox either: no row says it was looked for.
    assert MailboxDailySends.objects.count() == 1


def test_one_mailbox_is_sent_no_more_emails_a_day_than_its_cap(ask, petition, mailoutbox, settings):
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 2
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    answers = [ask(spelling, ip=f"198.51.100.{n}") for n, spelling in enumerate(
        ["aynur@example.org", "Aynur@example.org", "AYNUR@example.org"]
    )]  # fmt: skip

    assert {answer["Location"] for answer in answers} == {SENT_PATH}
    assert len(mailoutbox) == 2


def test_a_confirmation_email_the_same_day_counts_against_the_cap_too(
    ask, sign, mailoutbox, settings
):
    settings.SIGNATURE_EMAILS_PER_MAILBOX_PER_DAY = 2
    sign(email="aynur@example.org")  # its confirmation email is the mailbox's first today

    ask("aynur@example.org", ip="198.51.100.1")
    ask("aynur@example.org", ip="198.51.100.2")

    assert len(mailoutbox) == 2  # the confirmation, and one email of links


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
        lambda *args, **kwargs: queued.append(kwargs["args"]) or run(*args, **kwargs),
    )

    with caplog.at_level(logging.DEBUG):
        ask("aynur@example.org")

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
    assert MailboxDailySends.objects.get().count == 0  # it may be tried again today


def test_a_refusal_for_good_is_logged_without_the_address(petition, settings, caplog):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.RefusingEmailBackend"
    SignatureFactory(petition=petition, email="aynur@example.org", confirmed=True)

    outcome = withdrawal_links.withdrawal_links_send(email="aynur@example.org", language="fr")

    assert outcome is withdrawal_links.WithdrawalLinksOutcome.REFUSED
    assert "refused for good" in caplog.text and "aynur" not in caplog.text


@pytest.fixture
def task_retries(monkeypatch):
    """Run the task as a worker would (not in the web process); record each retry asked."""
    retries = []

    def retry(**options):
        retries.append(options)
        return Retry()

    monkeypatch.setattr(withdrawal_links_email_task, "retry", retry)
    withdrawal_links_email_task.push_request(retries=0, is_eager=False)
    yield retries
    withdrawal_links_email_task.pop_request()


def test_a_server_saying_later_is_asked_again_after_a_backoff(petition, settings, task_retries):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    SignatureFactory(petition=petition, email="flaky-backoff@example.org", confirmed=True)
    sealed = withdrawal_links.address_box_close("flaky-backoff@example.org")

    with pytest.raises(Retry):
        withdrawal_links_email_task.run(sealed, "fr", timezone.now().isoformat())

    (retry,) = task_retries
    first = settings.SIGNATURE_EMAIL_RETRY_BACKOFF
    assert first / 2 <= retry["countdown"] <= first


def test_a_server_saying_later_for_days_is_given_up(petition, settings, task_retries):
    settings.EMAIL_BACKEND = "tests.petitions.email_backends.FlakyEmailBackend"
    SignatureFactory(petition=petition, email="flaky-days@example.org", confirmed=True)
    sealed = withdrawal_links.address_box_close("flaky-days@example.org")
    asked_at = timezone.now() - timedelta(hours=settings.SIGNATURE_EMAIL_RETRY_HOURS + 1)

    outcome = withdrawal_links_email_task.run(sealed, "fr", asked_at.isoformat())

    assert outcome == "deferred" and task_retries == []


def test_with_the_broker_away_the_visitor_is_answered_the_same(ask, db, monkeypatch, caplog):
    def broker_away(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(withdrawal_links_email_task, "apply_async", broker_away)

    answer = ask("aynur@example.org")

    assert answer.status_code == 302 and answer["Location"] == SENT_PATH
    assert "not queued (OperationalError)" in caplog.text

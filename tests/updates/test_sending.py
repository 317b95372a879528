"""An approved update reaches the signers who asked for news, once, and stops when they say so."""

import re
import smtplib
from dataclasses import dataclass, field
from datetime import timedelta

import nh3
import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.db.models import DateTimeField, F
from django.utils import timezone
from django.utils.html import escape

from campaign import richtext
from core import email_merge, in_process_schedule
from petitions.models import Signature
from tests.emailed_links import html_language, site_link_paths
from tests.factories import SignatureFactory
from tests.public_pages import LANGUAGES_WITH_UYGHUR
from tests.updates.conftest import news_signer
from updates import approval, sending
from updates.messages import update_preview_build
from updates.models import SupporterUpdate, UpdateRecipient

pytestmark = pytest.mark.django_db


@pytest.fixture
def send(django_capture_on_commit_callbacks, writer):
    """Submit, approve and send an update as staff would, running the worker's tasks."""

    def send(update):
        approval.update_submit(update=update)
        approval.update_approve(update=update, approver=writer)
        with django_capture_on_commit_callbacks(execute=True):
            sending.update_send_start(update=update, actor=writer)
        update.refresh_from_db()

    return send


@dataclass
class Cleanings:
    """Each pass of nh3 over a text, and each cleaner made to make one."""

    passes: list[str] = field(default_factory=list)
    cleaners_made: int = 0


@pytest.fixture
def cleanings(monkeypatch):
    """Count nh3's passes, by the site's cleaner or any cleaner made since."""
    counted = Cleanings()
    real_cleaner = nh3.Cleaner

    class CountingCleaner:
        def __init__(self, **options):
            counted.cleaners_made += 1
            self.cleaner = real_cleaner(**options)

        def clean(self, html: str) -> str:
            counted.passes.append(html)
            return self.cleaner.clean(html)

    monkeypatch.setattr(richtext, "_cleaner", CountingCleaner(**richtext._ALLOWED))
    monkeypatch.setattr(nh3, "Cleaner", CountingCleaner)
    richtext._links_absolute_cleaner.cache_clear()  # cleaners made before counting began
    counted.cleaners_made = 0
    yield counted
    richtext._links_absolute_cleaner.cache_clear()


class WorkerKilled(BaseException):
    """The worker is killed (SIGKILL, out of memory) between the server's answer and its record."""


def _another_update_sent(send, petition, writer, settings, mailoutbox) -> list[list[str]]:
    """Send a second update the same week (its limit lifted); return whom it reached."""
    mailoutbox.clear()
    settings.UPDATE_WEEKLY_DAYS = 0
    send(
        SupporterUpdate.objects.create(
            petition=petition, subject_fr="Encore", body_fr="<p>…</p>", created_by=writer
        )
    )
    return [message.to for message in mailoutbox]


def _stop_link(message) -> str:
    return re.search(
        r"<https?://[^/]+(/updates/unsubscribe/\S+/)>", message.extra_headers["List-Unsubscribe"]
    ).group(1)


def test_an_update_reaches_exactly_the_confirmed_signers_who_asked_once_each_in_their_language(
    update, petition, send, mailoutbox
):
    news_signer(petition, "aynur@example.org")
    news_signer(petition, "james@example.org", language="en")
    SignatureFactory(petition=petition, confirmed=True)  # did not ask for news
    SignatureFactory(petition=petition, newsletter_opt_in=True)  # never confirmed
    news_signer(SignatureFactory().petition, "elsewhere@example.org")  # another petition

    send(update)

    assert sorted((m.to[0], m.subject) for m in mailoutbox) == [
        ("aynur@example.org", "Des nouvelles de Mamat"),
        ("james@example.org", "News of Mamat"),
    ]
    assert update.status == SupporterUpdate.Status.SENT
    assert sending.update_progress(update=update)["sent"] == 2
    html = mailoutbox[0].alternatives[0][0]
    assert "ambassade" in html and "Ne plus recevoir ces e-mails" in html
    # Each comes from the campaign, named in the signer's language.
    assert sorted(m.from_email.split(" <")[0] for m in mailoutbox) == [
        "Free Mamat",
        "Libérez Mamat",
    ]


def test_a_link_staff_gave_as_a_path_of_the_site_reaches_the_site_from_the_signers_mailbox(
    update, petition, send, mailoutbox, settings
):
    # Staff link the site's own pages by their path, as on its pages; a mail program has no
    # site to read the path against.
    settings.SITE_URL = "https://liberez-mamat.example"
    update.body_fr = '<p>Lisez <a href="/petition/liberez-mamat/ledger/">le registre</a>.</p>'
    update.save()
    news_signer(petition, "aynur@example.org")

    send(update)

    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert 'href="https://liberez-mamat.example/petition/liberez-mamat/ledger/"' in html
    assert "le registre (https://liberez-mamat.example/petition/liberez-mamat/ledger/)" in (
        message.body
    )


def _page_link_paths(message) -> list[str]:
    """The paths of the email's links to pages in a language (all but the stop link)."""
    return [path for path in site_link_paths(message) if not path.startswith("/updates/")]


def test_a_signer_who_signed_in_uyghur_reads_the_update_in_english_not_french(
    update, petition, send, mailoutbox, settings
):
    # As every page and email of theirs shows English where Uyghur is not written yet.
    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR
    news_signer(petition, "dilnur@example.org", language="ug")

    send(update)

    (message,) = mailoutbox
    assert message.subject == "News of Mamat"
    assert message.from_email.startswith("Free Mamat <")
    assert html_language(message) == "en"
    paths = _page_link_paths(message)
    assert paths and all(path.startswith("/en/") for path in paths), paths


def test_a_signer_who_signed_in_uyghur_switched_off_since_reads_the_update_in_french(
    update, petition, send, mailoutbox
):
    # Uyghur is switched off: its signers are written to as the site now speaks to them, in
    # its default language, as the pages their /ug/ links redirect to.
    news_signer(petition, "dilnur@example.org", language="ug")

    send(update)

    (message,) = mailoutbox
    assert message.subject == "Des nouvelles de Mamat"
    assert message.from_email.startswith("Libérez Mamat <")
    assert html_language(message) == "fr"
    paths = _page_link_paths(message)
    assert paths and all(path.startswith("/petition/") for path in paths), paths


def test_every_update_carries_one_click_unsubscribe(update, petition, send, mailoutbox, client):
    news_signer(petition, "aynur@example.org")

    send(update)

    (message,) = mailoutbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = _stop_link(message)
    assert link in message.body  # a visible link too
    assert client.get(link).status_code == 200  # a scanner's GET stops nothing
    assert Signature.objects.get().newsletter_opt_in

    response = client.post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    signer = Signature.objects.get()
    assert not signer.newsletter_opt_in and signer.news_address is None
    # Opened again from the email, the link says it is done, with no button to press again.
    again = client.get(link).content.decode()
    assert "Vous ne recevrez plus de nouvelles" in again or "no more updates" in again
    assert "<form" not in again.partition("<main")[2].partition("</main>")[0]


def test_a_signer_whose_first_withdrawal_link_has_expired_withdraws_from_an_update(
    update, petition, send, mailoutbox, client, settings
):
    # A year on, the confirmation email's link has expired and its page says: use the link in
    # a more recent email from us. The updates are those emails.
    news_signer(petition, "aynur@example.org")
    news_signer(petition, "james@example.org", language="en")

    send(update)

    for message, page_language in (
        (next(m for m in mailoutbox if m.to == ["aynur@example.org"]), ""),
        (next(m for m in mailoutbox if m.to == ["james@example.org"]), "/en"),
    ):
        link = re.search(r"https?://[^/\s]+(/\S*petition/withdraw/\S+/)", message.body).group(1)
        assert link.startswith(f"{page_language}/petition/withdraw/")
        assert f'href="{settings.SITE_URL}{link}"' in message.alternatives[0][0]
        page = client.get(link)
        assert page.status_code == 200
        assert "<form" in page.content.decode().partition("<main")[2]
        client.post(link)
    assert not Signature.objects.exists()


def test_the_stop_page_speaks_the_signers_language_and_the_one_they_choose(
    petition, client, settings
):
    from petitions.news import news_stop_url

    signer = news_signer(petition, "james@example.org", language="en")
    link = news_stop_url(signature=signer).removeprefix(settings.SITE_URL)

    page = client.get(link).content.decode()
    assert "<h1>Stop updates</h1>" in page
    switch = re.search(r'href="([^"]+)" hreflang="fr"', page).group(1)
    assert switch == f"{link}?lang=fr"

    in_french = client.get(switch).content.decode()
    assert "<h1>Ne plus recevoir de nouvelles</h1>" in in_french
    assert '<html lang="fr"' in in_french
    # The form sends to the page's own address, so the answer stays in French.
    done = client.post(switch).content.decode()
    assert "Vous ne recevrez plus de nouvelles" in done
    assert not Signature.objects.get().newsletter_opt_in


def test_after_unsubscribing_the_next_update_skips_the_signer(
    update, petition, send, mailoutbox, client, writer, settings
):
    news_signer(petition, "aynur@example.org")
    news_signer(petition, "ilham@example.org")
    send(update)
    client.post(_stop_link(next(m for m in mailoutbox if m.to == ["aynur@example.org"])))

    received = _another_update_sent(send, petition, writer, settings, mailoutbox)

    assert received == [["ilham@example.org"]]


def test_a_bounce_or_a_complaint_stops_further_updates(update, petition, send, mailoutbox):
    bouncing = news_signer(petition, "gone@example.org")
    complaining = news_signer(petition, "angry@example.org")
    send(update)

    for signature, event_type in ((bouncing, "bounced"), (complaining, "complained")):
        recipient = UpdateRecipient.objects.get(signature=signature)
        event = AnymailTrackingEvent(event_type=event_type, message_id=recipient.message_id)
        tracking.send(sender=None, event=event, esp_name="Test")

    for signature in (bouncing, complaining):
        signature.refresh_from_db()
        assert signature.news_address is None and not signature.newsletter_opt_in
    assert set(UpdateRecipient.objects.values_list("status", flat=True)) == {
        "bounced",
        "complained",
    }


def test_a_broken_unsubscribe_link_says_what_to_do(client, db):
    response = client.post("/updates/unsubscribe/not-a-token/")

    assert response.status_code == 400
    assert (
        "Copiez le lien entier" in response.content.decode()
        or "Copy the whole link" in response.content.decode()
    )


def test_a_signer_with_a_cut_stop_link_is_told_where_to_write_and_never_promised_no_one(
    client, petition
):
    from campaign.models import Campaign

    Campaign.objects.filter(pk=petition.campaign_id).update(contact_email="ecrire@mamat.example")
    html = client.get("/updates/unsubscribe/cut-by-a-mail-program/").content.decode()
    assert "écrivez-nous" in html
    assert 'href="mailto:ecrire@mamat.example"' in html  # whom "us" is

    Campaign.objects.filter(pk=petition.campaign_id).update(contact_email="")
    html = client.get("/updates/unsubscribe/cut-by-a-mail-program/").content.decode()
    assert "Ce lien ne fonctionne pas" in html
    assert "écrivez-nous" not in html and "mailto:" not in html  # no one to write to yet


def test_a_cut_stop_link_speaks_the_language_the_browser_asks_for(client, petition):
    # The link carries no language and names no one we can read it from: the page used to be
    # French for every reader, whatever their browser said.
    cut = "/updates/unsubscribe/cut-by-a-mail-program/"

    english = client.get(cut, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9,fr;q=0.5")
    # Uyghur, not served by default, is passed over for the reader's next language.
    uyghur_reader = client.get(cut, HTTP_ACCEPT_LANGUAGE="ug,en;q=0.8")
    french = client.get(cut, HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")

    for response in (english, uyghur_reader):
        html = response.content.decode()
        assert response.status_code == 400
        assert '<html lang="en"' in html
        assert "<h1>This link does not work</h1>" in html
    assert "<h1>Ce lien ne fonctionne pas</h1>" in french.content.decode()


def test_a_stop_link_of_a_signer_in_a_language_switched_off_speaks_the_browsers(client, petition):
    from petitions.news import news_stop_url

    signer = news_signer(petition, "dilnur@example.org", language="ug")
    link = news_stop_url(signature=signer).removeprefix("http://testserver")

    html = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<html lang="en"' in html
    assert "<h1>Stop updates</h1>" in html


def test_the_tab_of_a_stop_page_says_what_happened_as_its_heading_does(petition, client, settings):
    from petitions.news import news_stop_url

    link = news_stop_url(signature=news_signer(petition, "aynur@example.org"))
    link = link.removeprefix(settings.SITE_URL)

    for response, heading in (
        (client.get("/updates/unsubscribe/cut-by-a-mail-program/"), "Ce lien ne fonctionne pas"),
        (client.get(link), "Ne plus recevoir de nouvelles"),
        (client.post(link), "Vous ne recevrez plus de nouvelles"),
    ):
        html = response.content.decode()
        title = " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())
        assert f"<h1>{heading}</h1>" in html
        assert title.startswith(f"{heading} · ")


def test_the_stop_link_of_a_signer_who_withdrew_since_says_the_news_has_stopped(
    update, petition, send, mailoutbox, client
):
    signer = news_signer(petition, "aynur@example.org")
    send(update)
    signer.delete()  # withdrawn after this update went

    response = client.post(_stop_link(mailoutbox[0]), {"List-Unsubscribe": "One-Click"})

    # The mail program's one-click POST succeeds: there is no one left to send news to.
    assert response.status_code == 200
    html = response.content.decode()
    assert "Vous ne recevrez plus de nouvelles" in html and "Cette signature a été retirée" in html


def test_a_mailbox_the_server_says_does_not_exist_gets_no_further_updates(
    update, petition, send, mailoutbox, monkeypatch, writer, settings
):
    gone = news_signer(petition, "gone@example.org")
    news_signer(petition, "ilham@example.org")
    really_send = sending.email_send

    def server(message):
        if message.to == ["gone@example.org"]:
            raise smtplib.SMTPRecipientsRefused({"gone@example.org": (550, b"5.1.1 User unknown")})
        really_send(message)

    monkeypatch.setattr(sending, "email_send", server)
    send(update)

    recipient = UpdateRecipient.objects.get(signature=gone)
    assert (recipient.status, recipient.error) == ("failed", "550 5.1.1 User unknown")
    gone.refresh_from_db()
    # Refused for good: its address is forgotten, as after a bounce reported by the ESP.
    assert gone.news_address is None and not gone.newsletter_opt_in
    assert _another_update_sent(send, petition, writer, settings, mailoutbox) == [
        ["ilham@example.org"]
    ]


def test_a_relay_that_refuses_every_recipient_by_its_own_policy_forgets_no_signers_address(
    update, petition, send, mailoutbox, monkeypatch, writer, settings
):
    # A misconfigured relay (or a blocklisted sending address) refuses each recipient with a
    # 5xx that is about this site, not about their mailbox: the whole list must not be lost.
    aynur = news_signer(petition, "aynur@example.org")
    ilham = news_signer(petition, "ilham@example.org")

    def server(message):
        (to,) = message.to
        raise smtplib.SMTPRecipientsRefused({to: (550, b"5.7.1 Relaying denied")})

    monkeypatch.setattr(sending, "email_send", server)
    send(update)

    assert set(UpdateRecipient.objects.values_list("status", flat=True)) == {"failed"}
    for signer in (aynur, ilham):
        signer.refresh_from_db()
        assert signer.news_address is not None and signer.newsletter_opt_in


def test_a_server_saying_try_later_gets_the_update_later_once(
    update, petition, mailoutbox, monkeypatch, writer
):
    signer = news_signer(petition, "aynur@example.org")
    really_send = sending.email_send
    answers = iter([smtplib.SMTPRecipientsRefused({"aynur@example.org": (451, b"4.7.1 Later")})])

    def server(message):
        refusal = next(answers, None)
        if refusal is not None:
            raise refusal
        really_send(message)

    monkeypatch.setattr(sending, "email_send", server)
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)
    assert sending.update_batch_send(update_id=update.pk) is True
    recipient = UpdateRecipient.objects.get()
    assert (recipient.status, recipient.attempts) == ("queued", 1)
    assert mailoutbox == []

    UpdateRecipient.objects.update(claimed_until=timezone.now())  # its backoff is over
    assert sending.update_batch_send(update_id=update.pk) is False

    assert [m.to for m in mailoutbox] == [["aynur@example.org"]]
    signer.refresh_from_db()
    assert signer.newsletter_opt_in


def test_an_update_told_try_later_is_retried_for_two_days_from_the_first_attempt_then_failed(
    update, petition, mailoutbox, monkeypatch, writer, settings
):
    settings.UPDATE_EMAIL_RETRY_HOURS = 48
    aynur = news_signer(petition, "aynur@example.org")
    news_signer(petition, "ilham@example.org")
    really_send = sending.email_send
    greylisting = {"aynur@example.org", "ilham@example.org"}

    def server(message):
        if message.to[0] in greylisting:
            raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"4.7.1 Later")})
        really_send(message)

    def hours_pass(hours: float) -> None:
        """Move what the rows remember `hours` into the past: every backoff is over."""
        moments = {
            field.name: F(field.name) - timedelta(hours=hours)
            for field in UpdateRecipient._meta.concrete_fields
            if isinstance(field, DateTimeField) and field.name != "claimed_until"
        }
        UpdateRecipient.objects.update(claimed_until=timezone.now(), **moments)

    monkeypatch.setattr(sending, "email_send", server)
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)
    sending.update_batch_send(update_id=update.pk)
    # Told "later" for a day, many times over: far more than a handful of attempts.
    for _hour in range(24):
        hours_pass(1)
        sending.update_batch_send(update_id=update.pk)
    assert set(UpdateRecipient.objects.values_list("status", flat=True)) == {"queued"}

    greylisting.remove("ilham@example.org")
    hours_pass(1)
    sending.update_batch_send(update_id=update.pk)
    assert [message.to for message in mailoutbox] == [["ilham@example.org"]]

    hours_pass(24)  # two days since the first attempt: Aynur's server is given up on
    assert sending.update_batch_send(update_id=update.pk) is False
    given_up = UpdateRecipient.objects.get(signature=aynur)
    assert (given_up.status, given_up.error) == ("failed", "451 4.7.1 Later")
    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.SENT


def test_under_make_run_a_recipient_told_try_later_waits_for_the_schedule_and_gets_it_once(
    update, petition, send, mailoutbox, monkeypatch, settings
):
    # `make run` has no broker: tasks run in-process as they are queued, as in these tests.
    assert settings.CELERY_TASK_ALWAYS_EAGER
    news_signer(petition, "aynur@example.org")
    news_signer(petition, "ilham@example.org")
    really_send = sending.email_send
    refusals = [smtplib.SMTPRecipientsRefused({"aynur@example.org": (451, b"4.7.1 Later")})]

    def server(message):
        if message.to == ["aynur@example.org"] and refusals:
            raise refusals.pop()
        really_send(message)

    monkeypatch.setattr(sending, "email_send", server)
    send(update)

    # The sender did not call itself again and again while Aynur's backoff runs.
    assert [m.to for m in mailoutbox] == [["ilham@example.org"]]
    assert update.status == SupporterUpdate.Status.SENDING
    waiting = UpdateRecipient.objects.get(status=UpdateRecipient.Status.QUEUED)
    assert waiting.attempts == 1

    UpdateRecipient.objects.update(claimed_until=timezone.now())  # its backoff is over
    resume = next(
        entry
        for entry in in_process_schedule.schedule_entries()
        if entry.task == "updates.tasks.updates_sending_resume_task"
    )
    in_process_schedule.schedule_entry_run(resume)

    assert sorted(m.to[0] for m in mailoutbox) == ["aynur@example.org", "ilham@example.org"]
    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.SENT


def test_an_update_sent_again_after_its_sender_was_killed_is_the_same_message_to_mail_systems(
    update, petition, mailoutbox, monkeypatch, writer
):
    news_signer(petition, "aynur@example.org")
    really_send = sending.email_send
    refusals = [smtplib.SMTPRecipientsRefused({"aynur@example.org": (451, b"4.7.1 Later")})]
    tried_as = []

    def server_then_killed(message):
        tried_as.append(message.extra_headers["Message-ID"])
        if refusals:
            raise refusals.pop()
        really_send(message)
        if len(mailoutbox) == 1:
            raise WorkerKilled  # the server accepted it; nothing recorded that it went

    monkeypatch.setattr(sending, "email_send", server_then_killed)
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)
    sending.update_batch_send(update_id=update.pk)
    UpdateRecipient.objects.update(claimed_until=timezone.now())  # its backoff is over
    with pytest.raises(WorkerKilled):
        sending.update_batch_send(update_id=update.pk)
    UpdateRecipient.objects.update(claimed_until=timezone.now())  # the dead sender's claim ends

    assert sending.update_batch_send(update_id=update.pk) is False

    # Sent twice, but as one message: mail systems fold the copies.
    first, again = mailoutbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert len(tried_as) == 3 and set(tried_as) == {first.extra_headers["Message-ID"]}
    assert UpdateRecipient.objects.get().message_id == first.extra_headers["Message-ID"]


def test_a_sender_slower_than_its_claim_and_the_sender_beat_wakes_send_each_email_once(
    update, petition, mailoutbox, monkeypatch, writer, settings
):
    for n in range(3):
        news_signer(petition, f"reader{n}@example.org")
    clock = {"now": timezone.now()}
    monkeypatch.setattr(sending.timezone, "now", lambda: clock["now"])
    really_send = sending.email_send
    second_sender = []

    def slow_server(message):
        really_send(message)
        # Each email takes most of the claim: the batch outlives it.
        clock["now"] += timedelta(seconds=settings.UPDATE_CLAIM_SECONDS * 0.7)
        # Beat, every minute, finds no claim held and wakes a second sender meanwhile.
        if not second_sender and sending.updates_sending_resume() == [update.pk]:
            second_sender.append(True)
            sending.update_batch_send(update_id=update.pk)

    monkeypatch.setattr(sending, "email_send", slow_server)
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=writer)
    sending.update_send_start(update=update, actor=writer)
    sending.update_batch_send(update_id=update.pk)

    assert sorted(m.to[0] for m in mailoutbox) == [f"reader{n}@example.org" for n in range(3)]


def test_an_update_to_many_signers_is_cleaned_once_per_language_and_each_email_is_as_before(
    update, petition, send, mailoutbox, settings, cleanings
):
    # Cleaning a long text takes a sender longer than sending its email: thousands of
    # signers must not each cost a cleaning, and none may get a different email for it.
    settings.SITE_URL = "https://liberez-mamat.example"
    settings.LANGUAGES = LANGUAGES_WITH_UYGHUR  # its signers read English
    update.body_fr = (
        "<p>Amnesty &amp; nous\u00a0: <strong>merci</strong><script>x</script><br>à vous.</p>"
        '<ul><li><p>Lisez <a href="/petition/liberez-mamat/ledger/">le registre</a></p></li>'
        '<li><p><a href="https://example.org/c?a=1&amp;b=2" style="color:red">le communiqué</a>'
        "</p></li></ul><blockquote><p>Cité</p></blockquote>"
    )
    update.body_en = update.body_fr.replace("merci", "thank you")
    update.save()
    for n in range(4):
        news_signer(petition, f"aynur{n}@example.org")
        news_signer(petition, f"james{n}@example.org", language="en")
        news_signer(petition, f"dilnur{n}@example.org", language="ug")
    for language in ("fr", "en"):
        update_preview_build(update=update, language=language)
    passes_for_one_email_in_each_language = len(cleanings.passes)
    cleanings.passes.clear()

    send(update)

    assert len(mailoutbox) == 12
    assert len(cleanings.passes) == passes_for_one_email_in_each_language
    assert cleanings.cleaners_made == 1  # the one that makes links full addresses of the site
    for message in mailoutbox:
        # What each email carried when it cleaned its own text.
        language = "en" if message.subject == "News of Mamat" else "fr"
        written = richtext.rich_text_links_absolute(
            update.body_in(language), site_url=settings.SITE_URL
        )
        assert richtext.rich_text_render(written) in message.alternatives[0][0]
        assert message.body.startswith(richtext.rich_text_as_plain_text(written) + "\n\n--\n")
    assert (
        sorted(m.subject for m in mailoutbox)
        == ["Des nouvelles de Mamat"] * 4 + ["News of Mamat"] * 8
    )


def test_an_update_s_emails_are_rendered_once_per_language_each_with_the_signer_s_own_links(
    update, petition, send, mailoutbox, monkeypatch
):
    """The email around the text is drawn once per language for a batch, each signer's stop
    and withdrawal links put in after: the same email as drawn for them alone."""
    for n in range(3):
        news_signer(petition, f"aynur{n}@example.org")
        news_signer(petition, f"james{n}@example.org", language="en")
    renderings = []
    real_render = email_merge.email_texts_render

    def render_counted(**arguments):
        renderings.append(arguments["language"])
        return real_render(**arguments)

    monkeypatch.setattr(email_merge, "email_texts_render", render_counted)

    send(update)

    assert len(mailoutbox) == 6
    # Each language: once with stand-ins, once for its first signer alone.
    assert sorted(renderings) == ["en", "en", "fr", "fr"]
    stop_links = {m.extra_headers["List-Unsubscribe"].strip("<>") for m in mailoutbox}
    assert len(stop_links) == 6
    for message in mailoutbox:
        stop_link = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert stop_link in message.body
        assert escape(stop_link) in message.alternatives[0][0]
        assert message.body.count("/withdraw/") + message.body.count("/retirer/") == 1

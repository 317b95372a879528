"""Signers who asked for news hear, once per delivery, that their signature was delivered."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core import email_merge
from deliveries import batches, notices, sending
from deliveries.models import DeliveryNotice
from petitions.models import Signature
from petitions.sealing import news_address_close
from tests.deliveries.factories import confirmed_signatures_create
from tests.emailed_links import site_link_paths
from tests.public_pages import LANGUAGES_WITH_UYGHUR


@pytest.fixture
def signers(petition):
    """Four confirmed signers, sealed as the site keeps them; the first asked for news."""
    confirmed_signatures_create(petition, 4)
    first, *others = Signature.objects.filter(petition=petition).order_by("pk")
    Signature.objects.filter(pk=first.pk).update(
        email="", newsletter_opt_in=True, news_address=news_address_close("aynur@example.org")
    )
    Signature.objects.filter(pk__in=[s.pk for s in others]).update(email="")
    return first


def deliver(petition, target, capture):
    with capture(execute=True):
        delivery = batches.delivery_batch_create(petition=petition, target=target)
    return delivery


def delivered_emails(mailoutbox):
    return [m for m in mailoutbox if "aynur@example.org" in m.to]


def test_a_signer_who_asked_for_news_gets_one_email_per_delivery(
    petition, embassy, ministry, signers, mailoutbox, django_capture_on_commit_callbacks
):
    deliver(petition, embassy, django_capture_on_commit_callbacks)

    [email] = delivered_emails(mailoutbox)
    assert email.subject == f"Votre signature a été remise\u00a0: «\u00a0{petition.title}\u00a0»"
    # The recipient on a line of its own, as the public page names it: "remise à Ambassadeur
    # de la République… (Ambassade de la République…)" lacked its article and said it twice.
    assert f"Destinataire\u00a0: {embassy.organisation}\n" in email.body
    assert embassy.name not in email.body
    assert "/withdraw/" in email.body or "/retirer/" in email.body
    assert email.from_email.startswith("Libérez Mamat <")
    # Nobody else asked: the targets' two letters and this one email, nothing more.
    assert sorted(len(m.to) for m in mailoutbox) == [1, 1]

    notices.delivery_notices_sweep()
    deliver(petition, ministry, django_capture_on_commit_callbacks)

    assert len(delivered_emails(mailoutbox)) == 2  # one more, for the second delivery
    notices.delivery_notices_sweep()
    assert len(delivered_emails(mailoutbox)) == 2
    assert DeliveryNotice.objects.filter(status=DeliveryNotice.Status.SENT).count() == 2


def _prefixed_paths(message) -> list[str]:
    """The paths of the email's links to pages in a language (all but the news' stop link)."""
    return [path for path in site_link_paths(message) if not path.startswith("/updates/")]


def test_a_signer_who_signed_in_uyghur_switched_off_since_is_told_in_french(
    petition, embassy, signers, mailoutbox, django_capture_on_commit_callbacks
):
    Signature.objects.filter(pk=signers.pk).update(language="ug")

    deliver(petition, embassy, django_capture_on_commit_callbacks)

    [email] = delivered_emails(mailoutbox)
    assert email.subject.startswith("Votre signature a été remise\u00a0: ")
    assert email.from_email.startswith("Libérez Mamat <")
    paths = _prefixed_paths(email)
    assert "/petition/liberez-mamat/" in paths
    assert all(path.startswith("/petition/") for path in paths), paths


@override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR)
def test_a_signer_who_signed_in_uyghur_is_told_in_uyghur_while_it_is_served(
    petition, embassy, signers, mailoutbox, django_capture_on_commit_callbacks
):
    Signature.objects.filter(pk=signers.pk).update(language="ug")

    deliver(petition, embassy, django_capture_on_commit_callbacks)

    [email] = delivered_emails(mailoutbox)
    assert email.subject.startswith("Your signature was delivered: ")  # English stands in
    paths = _prefixed_paths(email)
    assert "/ug/petition/liberez-mamat/" in paths
    assert all(path.startswith("/ug/petition/") for path in paths), paths


def test_the_database_refuses_a_second_notice_for_the_same_delivery(
    petition, embassy, signers, django_capture_on_commit_callbacks
):
    delivery = deliver(petition, embassy, django_capture_on_commit_callbacks)

    assert notices.delivery_notices_create(delivery_id=delivery.pk) == 0
    assert DeliveryNotice.objects.count() == 1


def test_a_refusal_for_now_is_tried_again_later_and_a_refusal_for_good_is_recorded(
    petition, embassy, signers, settings, monkeypatch, mailoutbox
):
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)
    notices.delivery_notices_create(delivery_id=delivery.pk)
    refusals = iter(
        [
            smtplib.SMTPRecipientsRefused({"aynur@example.org": (451, b"4.7.1 Try later")}),
            smtplib.SMTPRecipientsRefused({"aynur@example.org": (550, b"5.1.1 User unknown")}),
        ]
    )

    def refuse(message):
        raise next(refusals)

    monkeypatch.setattr(notices, "email_send", refuse)
    assert notices.delivery_notices_send() == 0
    notice = DeliveryNotice.objects.get()
    assert (notice.status, notice.error) == ("due", "451 4.7.1 Try later")
    assert notice.due_at > timezone.now()

    DeliveryNotice.objects.update(due_at=timezone.now() - timedelta(seconds=1))
    assert notices.delivery_notices_send() == 0
    notice.refresh_from_db()
    assert (notice.status, notice.error) == ("failed", "550 5.1.1 User unknown")
    assert notices.delivery_notices_sweep() == 0
    # The mailbox is gone: its address is forgotten, and no news will be sent to it again.
    signer = Signature.objects.get(pk=notice.signature_id)
    assert signer.news_address is None and not signer.newsletter_opt_in


def test_a_signer_who_asked_for_news_hears_once_what_the_authorities_answered(
    petition, embassy, signers, mailoutbox, django_capture_on_commit_callbacks, client
):
    from deliveries.replies import delivery_reply_record

    delivery = deliver(petition, embassy, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()  # sent once the batch committed
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        delivery_reply_record(
            delivery=delivery,
            actor=None,
            received_on=timezone.localdate(),
            summary_fr="L’ambassade dit avoir transmis la pétition.",
            tell_signers=True,
        )
        delivery_reply_record(
            delivery=delivery, actor=None, days_without_reply=30, tell_signers=True
        )
    notices.delivery_notices_sweep()

    [email] = delivered_emails(mailoutbox)  # one for the reply, none for "no reply", no repeat
    assert email.subject == f"Les autorités ont répondu\u00a0: «\u00a0{petition.title}\u00a0»"
    assert "L’ambassade dit avoir transmis la pétition." in email.body
    assert f"De la part de\u00a0: {embassy.organisation}\n" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    stop = email.extra_headers["List-Unsubscribe"].strip("<>").removeprefix("http://testserver")
    assert stop in email.body

    client.post(stop)  # the mail client's one-click stop

    assert Signature.objects.get(pk=signers.pk).news_address is None


def test_a_reply_is_emailed_to_signers_only_once_staff_tick_to_tell_them(
    petition, embassy, signers, mailoutbox, django_capture_on_commit_callbacks, client
):
    from django.urls import reverse

    from deliveries.models import DeliveryReply
    from tests.petitions.factories_staff import PETITION_MANAGERS, logged_in_as

    delivery = deliver(petition, embassy, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    logged_in_as(client, PETITION_MANAGERS)
    reply_form = {
        "delivery": delivery.pk,
        "kind": "reply",
        "received_on": timezone.localdate().isoformat(),
        "summary_fr": "L’ambasade a répondu.",  # a typo, seen once recorded
        "summary_en": "",
    }

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:deliveries_deliveryreply_add"), reply_form)
    notices.delivery_notices_sweep()

    assert delivered_emails(mailoutbox) == []
    reply = DeliveryReply.objects.get()
    change_url = reverse("admin:deliveries_deliveryreply_change", args=[reply.pk])
    assert 'name="tell_signers"' in client.get(change_url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            change_url,
            reply_form | {"summary_fr": "L’ambassade a répondu.", "tell_signers": "on"},
            follow=True,
        )
    notices.delivery_notices_sweep()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url, reply_form | {"tell_signers": "on"})

    [email] = delivered_emails(mailoutbox)
    assert "L’ambassade a répondu." in email.body
    page = response.content.decode()
    assert "Le résumé part vers les signataires qui ont demandé des nouvelles." in page
    told = client.get(change_url).content.decode()
    assert 'name="tell_signers"' not in told
    assert "1 signataire qui a demandé des nouvelles" in told


SENT_TO = "Ambassade de Chine en France"
RENAMED = "Ambassade de la République populaire de Chine en France"


def embassy_rename(embassy):
    embassy.name = "Ambassadeur de la République populaire de Chine"
    embassy.organisation = RENAMED
    embassy.save()


def test_a_reply_told_after_the_embassy_was_renamed_names_it_as_the_signatures_went(
    petition, embassy, signers, mailoutbox, django_capture_on_commit_callbacks
):
    from deliveries.replies import delivery_reply_record

    delivery = deliver(petition, embassy, django_capture_on_commit_callbacks)
    delivery.refresh_from_db()
    mailoutbox.clear()
    embassy_rename(embassy)

    with django_capture_on_commit_callbacks(execute=True):
        delivery_reply_record(
            delivery=delivery,
            actor=None,
            received_on=timezone.localdate(),
            summary_fr="L’ambassade dit avoir transmis la pétition.",
            tell_signers=True,
        )

    [email] = delivered_emails(mailoutbox)
    assert f"De la part de\u00a0: {SENT_TO}\n" in email.body
    assert RENAMED not in email.body


def test_a_delivery_notice_sent_after_the_embassy_was_renamed_names_it_as_delivered(
    petition, embassy, signers, mailoutbox
):
    # The worker sent the letter, then died before telling the signers; staff renamed the
    # embassy before beat's sweep told them in its place.
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)
    embassy_rename(embassy)

    notices.delivery_notices_sweep()

    [email] = delivered_emails(mailoutbox)
    assert f"Destinataire\u00a0: {SENT_TO}\n" in email.body
    assert RENAMED not in email.body


def test_a_signer_reading_english_hears_the_english_name_the_embassy_was_sent_under(
    petition, embassy, signers, mailoutbox
):
    embassy.organisation_en = "Embassy of China in France"
    embassy.save()
    Signature.objects.filter(pk=signers.pk).update(language="en")
    delivery = batches.delivery_batch_create(petition=petition, target=embassy, queue_send=False)
    sending.delivery_send(delivery_id=delivery.pk)
    embassy.organisation_en = "Embassy of the People's Republic of China in France"
    embassy.save()

    notices.delivery_notices_sweep()

    [email] = delivered_emails(mailoutbox)
    assert "Recipient: Embassy of China in France\n" in email.body
    assert "People" not in email.body


def test_a_delivery_s_notices_are_rendered_once_per_language_each_signer_s_own(
    petition, embassy, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    """Thousands of signers may have asked for news: their emails share one rendering per
    language, and each still carries the signer's own name and links."""
    confirmed_signatures_create(petition, 6)
    for number, signature in enumerate(Signature.objects.filter(petition=petition)):
        Signature.objects.filter(pk=signature.pk).update(
            email="",
            first_name=f"Signataire{'abcdef'[number]}",
            language="en" if number % 2 else "fr",
            newsletter_opt_in=True,
            news_address=news_address_close(f"news-{number}@example.org"),
        )
    renderings = []
    real_render = email_merge.email_texts_render

    def render_counted(**arguments):
        renderings.append(arguments["language"])
        return real_render(**arguments)

    monkeypatch.setattr(email_merge, "email_texts_render", render_counted)
    deliver(petition, embassy, django_capture_on_commit_callbacks)

    told = [m for m in mailoutbox if m.to[0].startswith("news-")]
    assert len(told) == 6
    # Each language: once with stand-ins, once for its first signer alone.
    assert sorted(renderings) == ["en", "en", "fr", "fr"]
    for email in told:
        number = int(email.to[0].removeprefix("news-").partition("@")[0])
        assert f"Signataire{'abcdef'[number]}," in email.body
        assert ("Hello" in email.body) is bool(number % 2)
    withdraw_links = {re.search(r"\S+/(?:withdraw|retirer)/\S+", m.body)[0] for m in told}
    stop_links = {m.extra_headers["List-Unsubscribe"] for m in told}
    assert len(withdraw_links) == len(stop_links) == 6

"""Staff write an update in the admin, preview it, try it on themselves; a colleague approves."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from core.admin_mixins import EDITED_SINCE_OPENED
from tests.admin_forms import admin_change_form_data
from tests.factories import PetitionFactory
from tests.petitions.factories_staff import (
    DATA_OFFICERS,
    PETITION_MANAGERS,
    logged_in_as,
    staff_with_role,
)
from tests.staff_fixtures import login_verified
from updates.models import SupporterUpdate

pytestmark = pytest.mark.django_db
ADD_URL = reverse("admin:updates_supporterupdate_add")


def _step(client, update, step):
    """Press a step's button on the update's page, with what its form carries."""
    page = client.get(reverse("admin:updates_supporterupdate_change", args=[update.pk]))
    carried = re.search(
        rf'id="update-step-{step}".*?</form>', page.content.decode(), flags=re.DOTALL
    )
    data = dict(re.findall(r'name="(submitted_at)" value="([^"]*)"', carried.group(0)))
    return client.post(
        reverse("admin:updates_supporterupdate_step", args=[update.pk, step]), data, follow=True
    )


def _update_add(client, petition, *, language="fr", **typed):
    """Post the new-update form as staff fill it in (a French subject and text about
    `petition`), changed by what `typed` gives; the admin read in `language`."""
    headers = {"accept-language": language} if language else {}
    return client.post(
        ADD_URL,
        {
            "petition": petition.pk,
            "subject_fr": "Des nouvelles de Mamat",
            "body_fr": "<p>Nous avons remis vos signatures.</p>",
            "subject_en": "",
            "body_en": "",
            "send_rate_per_minute": 600,
        }
        | typed,
        headers=headers,
    )


def _change_page_in_french(client, update) -> str:
    return client.get(
        reverse("admin:updates_supporterupdate_change", args=[update.pk]),
        headers={"accept-language": "fr"},
    ).content.decode()


def test_a_petition_manager_writes_previews_tries_and_submits_then_a_colleague_approves(
    client, petition, mailoutbox, settings
):
    colleague = staff_with_role(PETITION_MANAGERS, "dilnur")
    author = logged_in_as(client, PETITION_MANAGERS, "camille")
    author.email = "camille@campaign.example"
    author.save()
    _update_add(
        client, petition, body_fr="<p>Merci <script>alert(1)</script>à vous.</p>", language=None
    )
    update = SupporterUpdate.objects.get()
    assert update.created_by == author and "<script>" not in update.body_fr  # sanitised

    preview = client.get(reverse("admin:updates_supporterupdate_step", args=[update.pk, "preview"]))
    assert (
        "Merci" in preview.content.decode()
        and "Ne plus recevoir ces e-mails" in preview.content.decode()
    )
    _step(client, update, "test")
    assert sorted(m.subject for m in mailoutbox) == ["[TEST] Des nouvelles de Mamat"] * 2
    _step(client, update, "submit")
    # The author is told who approves, not offered a button that can only refuse.
    own_page = _change_page_in_french(client, update)
    assert 'form="update-step-approve"' not in own_page
    assert '<p class="update-awaiting">Un autre membre de l’équipe doit approuver' in own_page
    refused = _step(client, update, "approve")
    assert "Un autre membre de l’équipe doit approuver" in refused.content.decode()

    client.logout()
    login_verified(client, colleague)
    assert 'form="update-step-approve"' in _change_page_in_french(client, update)
    _step(client, update, "approve")

    update.refresh_from_db()
    assert (
        update.status == SupporterUpdate.Status.APPROVED and update.approved_by.username == "dilnur"
    )


def test_a_new_update_is_about_the_campaign_s_only_petition_unless_staff_choose(client, petition):
    logged_in_as(client, PETITION_MANAGERS)

    form = client.get(ADD_URL).context["adminform"].form
    PetitionFactory(slug="soignez-mamat")
    form_with_two = client.get(ADD_URL).context["adminform"].form

    assert form.initial["petition"] == petition.pk
    assert "petition" not in form_with_two.initial


def test_staff_read_how_many_emails_of_an_update_are_in_each_state_in_french(client, petition):
    from tests.factories import SignatureFactory
    from updates.models import UpdateRecipient

    logged_in_as(client, PETITION_MANAGERS)
    update = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Des nouvelles", body_fr="<p>Merci.</p>"
    )
    for status in ("sent", "sent", "bounced"):
        UpdateRecipient.objects.create(
            update=update, signature=SignatureFactory(petition=petition), status=status
        )

    page = _change_page_in_french(client, update)

    table = page.split('class="update-progress"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>\s*<td[^>]*>(.*?)</td>', table)
    assert ("Envoyé", "2") in rows and ("Rejeté (bounce)", "1") in rows
    assert ("En file d’attente", "0") in rows
    assert not re.search(r">(queued|sent|bounced)<", table)


def test_the_preview_is_what_signers_get_and_the_plain_text_keeps_lists_links_and_ampersands(
    client, petition, mailoutbox
):
    author = logged_in_as(client, PETITION_MANAGERS)
    author.email = "camille@campaign.example"
    author.save()
    update = SupporterUpdate.objects.create(
        petition=petition,
        subject_fr="Des nouvelles",
        body_fr=(
            "<p>Amnesty &amp; nous demandons :</p>"
            "<ul><li><p>sa libération</p></li><li><p>des soins</p></li></ul>"
            '<p>Lisez <a href="https://example.org/c">le communiqué</a>.</p>'
        ),
    )

    preview = client.get(
        reverse("admin:updates_supporterupdate_step", args=[update.pk, "preview"])
    ).content.decode()
    _step(client, update, "test")

    assert "<h2>Des nouvelles</h2>" in preview  # signers see no "[TEST]"
    text = next(message for message in mailoutbox if message.to == [author.email]).body
    assert text.startswith(
        "Amnesty & nous demandons :\n\n- sa libération\n- des soins\n\n"
        "Lisez le communiqué (https://example.org/c)."
    )


def test_the_preview_frames_the_email_with_its_own_styles_and_nothing_that_runs_or_loads(
    client, petition
):
    logged_in_as(client, PETITION_MANAGERS)
    update = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Des nouvelles", body_fr="<p>Merci à vous.</p>"
    )
    email_url = reverse("admin:updates_supporterupdate_step", args=[update.pk, "preview-email"])

    page = client.get(reverse("admin:updates_supporterupdate_step", args=[update.pk, "preview"]))
    email = client.get(email_url, {"language": "fr"})

    # The page holds frames of the email, not its document pasted inside the admin's.
    html = page.content.decode()
    assert html.count(f'src="{email_url}?language=fr" sandbox') == 2
    assert html.count("<body") == 1
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    # The framed email is the one signers get, styled as their mail program shows it.
    assert "Merci à vous." in email.content.decode() and 'style="' in email.content.decode()
    assert set(email["Content-Security-Policy"].split("; ")) == {
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "frame-ancestors 'self'",
        "sandbox",
    }
    assert email["X-Frame-Options"] == "SAMEORIGIN"


def test_only_staff_who_may_see_updates_see_the_framed_email(client, petition):
    update = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Des nouvelles", body_fr="<p>Merci à vous.</p>"
    )
    email_url = reverse("admin:updates_supporterupdate_step", args=[update.pk, "preview-email"])

    anonymous = client.get(email_url)
    logged_in_as(client, DATA_OFFICERS)
    data_officer = client.get(email_url)

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    assert data_officer.status_code == 403


def test_a_submitted_update_reads_as_signers_will_read_it_with_nothing_left_to_save(
    client, petition
):
    logged_in_as(client, PETITION_MANAGERS)
    update = SupporterUpdate.objects.create(
        petition=petition,
        subject_fr="Des nouvelles",
        body_fr="<p>La pétition est <strong>remise</strong>.</p>",
        status=SupporterUpdate.Status.AWAITING_APPROVAL,
    )

    page = _change_page_in_french(client, update)

    # The approver read "<p>La pétition est <strong>remise</strong>.</p>", tags and all.
    assert "<p>La pétition est <strong>remise</strong>.</p>" in page
    assert "&lt;p&gt;" not in page
    assert 'name="_save"' not in page and 'name="_continue"' not in page


def test_a_sent_update_no_longer_says_who_would_get_it(client, petition):
    logged_in_as(client, PETITION_MANAGERS)
    update = SupporterUpdate.objects.create(
        petition=petition,
        subject_fr="Des nouvelles",
        body_fr="<p>Merci.</p>",
        status=SupporterUpdate.Status.SENT,
    )

    page = _change_page_in_french(client, update)

    assert "recevrai" not in page  # the counts by state say who got it
    assert '<div class="readonly">Envoyée</div>' in page  # "une nouvelle", feminine


def test_a_second_writer_saving_a_draft_opened_before_the_first_saved_undoes_nothing(
    client, update
):
    """Two staff open the same draft; the first corrects the French text, the second the
    English subject: the second save must not put back the first's mistake."""
    colleague = Client()
    logged_in_as(client, PETITION_MANAGERS, "camille-2")
    logged_in_as(colleague, PETITION_MANAGERS, "dilnur")
    url = reverse("admin:updates_supporterupdate_change", args=[update.pk])
    first_form, second_form = client.get(url), colleague.get(url)

    first_save = client.post(
        url, admin_change_form_data(first_form, body_fr="<p>Vos signatures sont remises.</p>")
    )
    second_save = colleague.post(
        url, admin_change_form_data(second_form, subject_en="News of Mamat, and thanks")
    )

    assert first_save.status_code == 302
    update.refresh_from_db()
    assert update.body_fr == "<p>Vos signatures sont remises.</p>"  # the first save stands
    assert update.subject_en == "News of Mamat"
    assert second_save.status_code == 200  # the form again, with what the second typed
    form = second_save.context["adminform"].form
    assert form.non_field_errors() == [str(EDITED_SINCE_OPENED)]
    assert form["subject_en"].value() == "News of Mamat, and thanks"


def test_an_update_submitted_again_while_the_approver_read_it_is_not_approved_unread(
    client, update
):
    """The approver reads the submitted update; meanwhile its author takes it back, changes
    it and submits it again. The approver's button must not approve the text they never read."""
    approver = Client()
    logged_in_as(client, PETITION_MANAGERS, "camille-2")
    logged_in_as(approver, PETITION_MANAGERS, "dilnur")
    _step(client, update, "submit")
    url = reverse("admin:updates_supporterupdate_change", args=[update.pk])
    page_read = approver.get(url, headers={"accept-language": "fr"})

    _step(client, update, "redraft")
    client.post(url, admin_change_form_data(client.get(url), body_fr="<p>Un autre texte.</p>"))
    _step(client, update, "submit")
    step_url = reverse("admin:updates_supporterupdate_step", args=[update.pk, "approve"])
    read = re.search(r'name="submitted_at" value="([^"]+)"', page_read.content.decode())
    refused = approver.post(
        step_url, {"submitted_at": read.group(1)}, headers={"accept-language": "fr"}, follow=True
    )

    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.AWAITING_APPROVAL
    assert "Rien n’a été approuvé" in refused.content.decode()
    _step(approver, update, "approve")  # read again, then approved
    update.refresh_from_db()
    assert update.status == SupporterUpdate.Status.APPROVED
    assert update.body_fr == "<p>Un autre texte.</p>"


@pytest.mark.parametrize(
    "empty_text", ["<p></p>", "<p> </p>", "<p><br></p>", "<p><script>x</script></p>"]
)
def test_an_update_with_no_words_in_its_text_is_refused_rather_than_sent_empty(
    client, petition, empty_text
):
    logged_in_as(client, PETITION_MANAGERS, "camille")
    # What the editor posts when staff wrote nothing, or only what sanitising removes.
    page = _update_add(client, petition, body_fr=empty_text)
    assert not SupporterUpdate.objects.exists()
    assert "Écrivez le texte de la nouvelle" in page.content.decode()


@pytest.mark.parametrize(
    ("subject_en", "body_en", "told"),
    [
        ("", "<p>We handed your signatures in.</p>", "Donnez aussi un objet au texte anglais"),
        ("News of Mamat", "<p></p>", "Écrivez aussi le texte anglais"),
    ],
)
def test_english_written_without_its_subject_or_its_text_is_refused_rather_than_never_sent(
    client, petition, subject_en, body_en, told
):
    # Signers who signed in English get the English update only with both; otherwise the
    # French, and what staff wrote in English would silently go to no one.
    logged_in_as(client, PETITION_MANAGERS, "camille")
    page = _update_add(client, petition, subject_en=subject_en, body_en=body_en)
    assert not SupporterUpdate.objects.exists()
    assert told in page.content.decode()


def test_a_sending_rate_of_zero_emails_a_minute_is_refused_rather_than_slowed_to_a_crawl(
    client, petition
):
    # The sender would quietly read it as one a minute: days for a few thousand signers.
    logged_in_as(client, PETITION_MANAGERS, "camille")
    page = _update_add(client, petition, send_rate_per_minute=0)
    assert not SupporterUpdate.objects.exists()
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1" in page.content.decode()


def test_a_text_too_long_for_mail_programs_to_show_whole_is_refused_before_it_hides_the_stop_link(
    client, petition
):
    # Gmail cuts an email's HTML past 102 kB: signers would not see the link to stop the news.
    logged_in_as(client, PETITION_MANAGERS, "camille")
    page = _update_add(
        client, petition, body_fr="<p>" + "Nous avons remis vos signatures. " * 3000 + "</p>"
    )
    assert not SupporterUpdate.objects.exists()
    assert "Ce texte est trop long pour un e-mail" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("en", "99.1 kB, formatting included, for at most 90 kB"),
        ("fr", "99,1\u00a0ko, mise en forme comprise, pour 90\u00a0ko au plus"),
    ],
)
def test_staff_whose_text_is_too_long_for_an_email_are_told_its_size_and_the_limit_text_kept(
    client, petition, language, told
):
    # 99,007 bytes: staff shortening it need to know by how much, not only that it is too long.
    logged_in_as(client, PETITION_MANAGERS, "camille")
    written = "Nous avons remis vos signatures. " * 3000
    page = _update_add(
        client, petition, body_fr="<p>" + written + "</p>", language=language
    ).content.decode()

    assert not SupporterUpdate.objects.exists()
    assert told in page
    assert 'value="Des nouvelles de Mamat"' in page
    assert written.strip() in page  # the whole text is still in the editor, to be shortened


def test_staff_pressing_send_on_an_update_a_colleague_already_sent_are_told_so_not_refused(
    client, petition
):
    from tests.updates.conftest import news_signer
    from updates import approval, sending

    colleague = logged_in_as(Client(), PETITION_MANAGERS, "dilnur")
    logged_in_as(client, PETITION_MANAGERS, "camille")
    news_signer(petition, "aynur@example.org")
    update = SupporterUpdate.objects.create(
        petition=petition, subject_fr="Des nouvelles", body_fr="<p>Merci.</p>"
    )
    approval.update_submit(update=update)
    approval.update_approve(update=update, approver=colleague)
    page = _change_page_in_french(client, update)
    assert 'form="update-step-send"' in page
    sending.update_send_start(update=update, actor=colleague)  # the colleague was quicker

    answer = client.post(
        reverse("admin:updates_supporterupdate_step", args=[update.pk, "send"]),
        headers={"accept-language": "fr"},
        follow=True,
    ).content.decode()

    assert "Cette nouvelle est déjà en cours d’envoi" in answer
    assert "Seule une nouvelle approuvée" not in answer


def test_staff_saving_an_update_too_large_for_the_site_to_read_are_told_the_limit_and_what_to_do(
    client, petition
):
    # Pasted by mistake, several times over: Django refuses to read the form at all.
    logged_in_as(client, PETITION_MANAGERS, "camille")
    page = _update_add(
        client, petition, body_fr="<p>" + "Nous avons remis vos signatures. " * 100_000 + "</p>"
    )

    html = page.content.decode()
    assert page.status_code == 400
    assert not SupporterUpdate.objects.exists()
    assert "<h1>Ce que vous avez envoyé est trop volumineux</h1>" in html
    # How large it was and how large it may be, as staff read sizes, in each language.
    assert "Le formulaire pesait 3,2\xa0Mo" in html and "au plus 2,5\xa0Mo" in html
    assert "The form weighed 3.2 MB" in html and "at most 2.5 MB" in html
    assert "bouton Retour de votre navigateur" in html


def test_an_update_s_french_subject_and_text_keep_their_signs_with_their_words(client, petition):
    logged_in_as(client, PETITION_MANAGERS, "camille")

    _update_add(
        client,
        petition,
        subject_fr="Mamat : des nouvelles !",
        body_fr='<p>Lisez <a href="https://example.org/?a=1 : 2">« sa lettre »</a> ?</p>',
        subject_en="Mamat: news !",
        body_en="<p>Read his letter ?</p>",
    )

    update = SupporterUpdate.objects.get()
    assert update.subject_fr == "Mamat\u202f: des nouvelles\u202f!"
    assert update.body_fr == (
        '<p>Lisez <a href="https://example.org/?a=1 : 2">«\u202fsa lettre\u202f»</a>\u202f?</p>'
    )
    assert (update.subject_en, update.body_en) == ("Mamat: news !", "<p>Read his letter ?</p>")

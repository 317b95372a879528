import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from campaign.models import Campaign
from core import public_cache
from core.public_cache import public_content_changed
from petitions import counter, initial_content, recent_signers, signature_links, signing
from petitions.mailboxes import mailbox_hash as signature_mailbox
from petitions.models import Petition, Signature
from tests.factories import SignatureFactory
from tests.sealing_keys import sealed_data_of

XSS_NAME = "<img src=x onerror=alert(1)>"


@pytest.fixture
def signed_up(client, petition, django_capture_on_commit_callbacks):
    """Post the sign form as a supporter would, running the email task."""

    def post(path=None, **values):
        data = {
            "first_name": "Aynur",
            "last_name": "Tursun",
            "email": "aynur@example.org",
            "country": "FR",
            **values,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                path or reverse("petitions:sign", kwargs={"slug": petition.slug}),
                data,
                REMOTE_ADDR="198.51.100.4",
            )

    return post


def _link(message, name: str) -> str:
    """Return the path of the emailed link to `name` (confirm or withdraw)."""
    return re.search(rf"http://testserver(\S*/petition/{name}/\S+/)", message.body).group(1)


@pytest.mark.parametrize(
    ("box", "field", "name"),
    [
        ("show_first_name", "first_name", "Visit evil.example"),
        ("name_in_delivery", "first_name", "Visit evil.example"),
        ("name_in_delivery", "last_name", "T. 2nd"),
    ],
)
def test_a_signer_who_asks_to_be_named_hears_when_their_name_cannot_be(signed_up, box, field, name):
    response = signed_up(**{field: name, box: "on"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "écrivez ce nom en lettres seulement" in html
    assert f'value="{name}"' in html and 'value="aynur@example.org"' in html  # nothing lost
    assert not Signature.objects.exists()

    # Unnamed, the same name is counted: it is never said.
    assert signed_up(**{field: name}).status_code == 302
    counted = Signature.objects.get()
    assert not (counted.show_first_name or counted.name_in_delivery)


def test_a_signer_shown_by_first_name_may_give_only_an_initial_for_a_last_name(
    signed_up, petition, confirm
):
    # The public list shows the first name alone: the last name is not said, so not checked.
    response = signed_up(last_name="T.", show_first_name="on")

    assert response.status_code == 302
    signature = Signature.objects.get()
    assert not signature.name_in_delivery
    confirm(signature)
    shown = recent_signers.signers_recent(petition=petition)
    assert [signer.first_name for signer in shown] == ["Aynur"]


def test_the_petition_page_shows_the_form_with_a_label_for_every_field(client, petition):
    response = client.get(petition.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    for name in ("first_name", "last_name", "email", "country", "show_first_name"):
        assert re.search(rf'<label[^>]*for="id_{name}"', html), name
    assert 'name="newsletter_opt_in"' in html and "checked" not in html
    # The notice beside the button says exactly what the authorities get.
    assert "Elles ne reçoivent jamais votre adresse e-mail ni votre adresse IP." in html
    english = client.get(f"/en{petition.get_absolute_url()}").content.decode()
    notice = english[english.index("sign-form__notice") :][:1500]
    assert "They never receive your email address or your IP address." in notice
    # This form asks no postcode and no comment: the notice does not speak of them.
    assert "postcode" not in notice and "comment" not in notice


def test_the_case_page_shows_the_counter_and_the_form_in_its_sign_section(client, mamat_campaign):
    initial_content.petition_load_initial()

    html = client.get("/").content.decode()

    section = html[html.index('id="act-sign"') :]
    assert 'data-signature-count="0"' in section
    assert 'data-count-url="/petition/liberez-mamat/count.json"' in section
    assert 'action="/petition/liberez-mamat/sign/"' in section
    assert "opens very soon" not in html


def test_the_campaign_demand_reads_as_a_list_of_its_three_points(client, mamat_campaign):
    initial_content.petition_load_initial()

    html = client.get(Petition.objects.get().get_absolute_url()).content.decode()

    demand = html[html.index('class="petition__demand"') :]
    demand = demand[: demand.index("</blockquote>")]
    assert demand.count("<li>") == 3, demand
    assert "- " not in demand


def test_the_case_page_in_english_has_english_links(client, mamat_campaign):
    initial_content.petition_load_initial()

    html = client.get("/en/").content.decode()

    assert 'action="/en/petition/liberez-mamat/sign/"' in html


def test_signing_redirects_to_check_your_email_and_sends_the_link(signed_up, petition, mailoutbox):
    response = signed_up()

    assert response.status_code == 302
    assert response["Location"] == f"/petition/{petition.slug}/signed/"
    signature = Signature.objects.get()
    assert signature.language == "fr"
    assert signature.ip_hash == signing.signer_ip_fingerprint(ip="198.51.100.4")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.alternatives[0][1] == "text/html"
    assert "/petition/confirm/" in message.body
    assert "/petition/withdraw/" in message.body


def test_signing_in_english_sends_the_email_in_english(signed_up, petition, mailoutbox):
    signed_up(path=f"/en/petition/{petition.slug}/sign/")

    message = mailoutbox[0]
    assert Signature.objects.get().language == "en"
    assert message.subject.startswith("Confirm your signature")
    assert "http://testserver/en/petition/confirm/" in message.body


def test_signing_again_shows_the_same_page_and_reveals_nothing(signed_up, petition, mailoutbox):
    first = signed_up()
    second = signed_up(email="AYNUR@example.org", first_name="Other")

    assert first["Location"] == second["Location"]
    assert Signature.objects.count() == 1


def test_a_signer_who_signs_again_with_new_details_is_told_the_first_ones_stand(
    client, signed_up, petition, mailoutbox
):
    sign_in_english = f"/en/petition/{petition.slug}/sign/"
    signed_up(path=sign_in_english)
    again = signed_up(path=sign_in_english, first_name="Aysel", country="DE", show_first_name="on")
    # A stranger's first signature, from another browser: the page must not tell them apart.
    stranger = Client()
    stranger_post = stranger.post(
        sign_in_english,
        {
            "first_name": "Ilham",
            "last_name": "Tohti",
            "email": "ilham@example.org",
            "country": "FR",
        },
        REMOTE_ADDR="198.51.100.5",
    )

    page = client.get(again["Location"]).content.decode()

    assert "Already signed with this address?" in page
    assert "the details you gave the first time stand" in page
    assert again["Location"] == stranger_post["Location"]
    assert stranger.get(stranger_post["Location"]).content.decode() == page
    signature = Signature.objects.get(mailbox_hash=signature_mailbox("aynur@example.org"))
    assert (sealed_data_of(signature)["first_name"], signature.country) == ("Aynur", "FR")
    assert not signature.show_first_name


def test_invalid_form_shows_translated_errors_and_creates_nothing(client, petition):
    response = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        {"first_name": "", "last_name": "Tursun", "email": "not-an-email", "country": "FR"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce champ est obligatoire." in html
    # The site's word, "e-mail", not Django's "courriel".
    assert "Saisissez une adresse e-mail valide, par exemple nom@example.org." in html
    assert "courriel" not in html
    # The summary names each field the French way, a no-break space before the colon.
    assert ">Prénom\u00a0: Ce champ est obligatoire.</a>" in html
    assert not Signature.objects.exists()


def test_an_unknown_country_is_refused_with_the_other_answers_kept(client, petition):
    response = client.post(
        reverse("petitions:sign", kwargs={"slug": petition.slug}),
        {
            "first_name": "Aynur",
            "last_name": "Tursun",
            "email": "aynur@example.org",
            "country": "XX",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sélectionnez un choix valide." in html
    assert 'value="aynur@example.org"' in html
    assert not Signature.objects.exists()


def test_a_bot_filling_the_honeypot_sees_success_and_signs_nothing(signed_up, mailoutbox):
    response = signed_up(website="http://spam.example")

    assert response.status_code == 302
    assert not Signature.objects.exists()
    assert mailoutbox == []


def test_a_family_behind_one_address_sees_no_error_when_over_the_limit(signed_up, settings):
    settings.SIGNATURE_RATE_LIMIT_PER_IP_HASH = 1

    responses = [signed_up(email=f"relative{n}@example.org") for n in range(3)]

    assert {response.status_code for response in responses} == {302}
    assert Signature.objects.count() == 3
    assert Signature.objects.flagged().count() == 2


def test_a_share_link_credits_the_signer_who_shared_it(client, signed_up, petition):
    html = client.get(f"{petition.get_absolute_url()}?src=abc123").content.decode()
    assert 'name="referral_code" value="abc123"' in html

    signed_up(referral_code="abc123")
    signed_up(email="two@example.org", referral_code="<script>")

    assert list(Signature.objects.order_by("pk").values_list("referral_code", flat=True)) == [
        "abc123",
        "",
    ]


@pytest.mark.usefixtures("_public_page_cache_on")
def test_a_share_link_served_from_memory_still_credits_the_signer_who_shared_it(
    client, signed_up, petition
):
    client.get(petition.get_absolute_url())  # the page is kept from the first visitor on
    html = client.get(f"{petition.get_absolute_url()}?src=abc123").content.decode()

    code = re.search(r'name="referral_code" value="([^"]*)"', html).group(1)
    signed_up(referral_code=code)

    assert Signature.objects.get().referral_code == "abc123"


def test_a_shared_petition_link_shows_a_preview_and_names_the_page_without_its_code(
    client, petition
):
    # What a messaging app or a social network reads when a signer shares their link.
    html = client.get(f"{petition.get_absolute_url()}?src=abc123").content.decode()
    head = html[: html.index("</head>")]

    page_url = f"http://testserver{petition.get_absolute_url()}"
    assert f'<meta property="og:title" content="{petition.title}">' in head
    assert '<meta property="og:description" content="' in head
    assert 'property="og:image" content="http://testserver/static/img/share.png"' in head
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert f'<meta property="og:url" content="{page_url}">' in head
    assert f'<link rel="canonical" href="{page_url}">' in head
    assert (
        f'<link rel="alternate" hreflang="en" href="http://testserver/en{petition.get_absolute_url()}">'
        in head
    )
    # The signer's share code stays in their link, never in the page's own address.
    assert "abc123" not in head


def test_opening_the_link_does_not_confirm_but_the_button_does(
    client, signed_up, petition, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up()
    path = _link(mailoutbox[0], "confirm")

    page = client.get(path)
    assert page.status_code == 200
    assert "Confirm" in page.content.decode() or "Confirmer" in page.content.decode()
    assert Signature.objects.get().status == Signature.Status.PENDING

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    assert Signature.objects.get().status == Signature.Status.CONFIRMED

    thanks = client.get(path)
    html = thanks.content.decode()
    assert thanks["X-Robots-Tag"] == "noindex, nofollow"
    # Once the email went, the row no longer holds the name: the page thanks without it.
    assert "<h1>Merci</h1>" in html and "Aynur" not in html
    share_code = Signature.objects.get().share_code
    assert f"src%3D{share_code}" in html  # the share links credit this signer
    assert "/petition/withdraw/" in html

    again = client.post(path)  # confirming twice is harmless
    assert again.status_code == 302
    count = client.get(reverse("petitions:count", kwargs={"slug": petition.slug})).json()
    assert count == {"count": 1, "goal": 100, "label": "signature"}


def test_a_broken_confirmation_link_shows_a_helpful_page(client, db):
    response = client.get("/petition/confirm/not-a-token/")

    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_withdrawing_from_the_email_link_erases_the_signer(
    client, signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up()
    path = _link(mailoutbox[0], "withdraw")

    assert client.get(path).status_code == 200
    assert Signature.objects.exists()  # a GET never erases

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)

    assert response["Location"] == "/petition/withdrawn/"
    assert not Signature.objects.exists()
    again = client.get(path)  # the link again: already gone, no error
    assert again.status_code == 200
    assert "cette signature avait déjà été retirée" in again.content.decode()


def test_the_confirmation_link_of_a_withdrawn_signature_says_it_was_withdrawn(
    client, signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up()
    confirm_path = _link(mailoutbox[0], "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_link(mailoutbox[0], "withdraw"))

    response = client.get(confirm_path)

    # Not "the link is incomplete": it is whole, and the signer chose to leave.
    assert response.status_code == 410
    html = response.content.decode()
    assert "<h1>Cette signature a été retirée</h1>" in html
    assert "incomplet" not in html
    assert client.post(confirm_path).status_code == 410  # and confirming brings nothing back
    assert not Signature.objects.exists()


@pytest.mark.usefixtures("_public_page_cache_on")
def test_a_signer_who_withdraws_leaves_the_latest_signers_of_the_kept_pages_at_once(
    client, petition, confirm, django_capture_on_commit_callbacks
):
    signature = SignatureFactory(petition=petition, first_name="Gulnar", show_first_name=True)
    confirm(signature)
    assert "Gulnar (France)" in client.get(petition.get_absolute_url()).content.decode()
    token = signature_links.withdrawal_token_make(signature=signature)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("petitions:withdraw", kwargs={"token": token}))

    # Someone who withdraws may be in danger: their name must not stay on the page others see.
    assert "Gulnar" not in client.get(petition.get_absolute_url()).content.decode()


def test_a_cut_withdrawal_link_never_tells_the_signer_they_are_erased(
    client, signed_up, mailoutbox, petition
):
    Campaign.objects.filter(pk=petition.campaign_id).update(contact_email="ecrire@mamat.example")
    signed_up()
    # A mail program wrapped the long link: the signer opens all but its end.
    cut_path = _link(mailoutbox[0], "withdraw")[:-12] + "/"

    page = client.get(cut_path)

    assert page.status_code == 400
    html = page.content.decode()
    assert "Votre signature n'a pas été retirée." in html
    assert "déjà été retirée" not in html and "Votre signature est retirée" not in html
    assert "mailto:ecrire@mamat.example" in html  # who to write to instead
    assert Signature.objects.exists()


def test_without_a_contact_address_a_cut_link_promises_no_one_to_write_to(
    client, signed_up, mailoutbox, petition
):
    Campaign.objects.filter(pk=petition.campaign_id).update(contact_email="")
    signed_up()
    cut_path = _link(mailoutbox[0], "withdraw")[:-12] + "/"

    html = client.get(cut_path).content.decode()

    assert "copiez le lien entier depuis l'e-mail." in html
    assert "écrivez à la campagne" not in html


def test_a_closed_petition_shows_no_form_and_takes_no_signature(client, signed_up, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)

    html = client.get(petition.get_absolute_url()).content.decode()
    response = signed_up()

    assert 'name="first_name"' not in html
    assert 'href="#act-sign"' not in html  # no button down to a form that is not there
    assert response.status_code == 200
    assert not Signature.objects.exists()


@pytest.mark.parametrize("how", ["closed by staff", "past its closing time"])
def test_once_signing_is_over_the_case_page_says_so_with_the_final_count(
    client, mamat_campaign, how
):
    from datetime import timedelta

    from django.utils import timezone

    initial_content.petition_load_initial()
    petition = Petition.objects.get()
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    counter.petition_count_reconcile(petition_id=petition.pk)
    if how == "closed by staff":
        Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.CLOSED)
    else:
        Petition.objects.filter(pk=petition.pk).update(
            closes_at=timezone.now() - timedelta(minutes=1)
        )

    home = client.get("/").content.decode()
    petition_page = client.get(petition.get_absolute_url()).content.decode()

    assert "ouvre très bientôt" not in home  # it did open; it has closed
    assert home.count("Cette pétition est close.") == 1
    assert 'data-signature-count="3"' in home
    # The count is final: no invitation to be first, no next goal, nothing polled.
    assert "soyez la première" not in home and "Prochain objectif" not in home
    assert 'data-count-interval="0"' in home and "signature-counter.js" not in home
    assert 'href="#act-sign"' not in home and 'name="first_name"' not in home
    assert "Cette pétition est close." in petition_page


def test_a_petition_set_to_open_later_says_when(client, petition):
    from datetime import datetime

    from django.utils import timezone

    opens = timezone.make_aware(datetime(2031, 3, 8, 10, 0))
    Petition.objects.filter(pk=petition.pk).update(opens_at=opens)

    html = client.get(petition.get_absolute_url()).content.decode()

    assert "La signature ouvre le 8 mars 2031 à 10:00." in html
    assert 'name="first_name"' not in html


def test_a_draft_petition_is_not_public(client, petition):
    Petition.objects.filter(pk=petition.pk).update(status=Petition.Status.DRAFT)

    assert client.get(petition.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("csrf_checked", [False, True], ids=["with-token", "without-token"])
def test_posts_to_addresses_naming_no_petition_leave_nothing_in_the_workers_memory(
    petition, settings, csrf_checked
):
    # A script posting to /petition/<anything>/sign/, with or without a CSRF token, once left
    # an entry for each made-up address in every worker's memory, kept until it restarted.
    settings.SIGNATURE_PETITION_CACHE_SECONDS = 60
    public_content_changed()
    visitor = Client(enforce_csrf_checks=csrf_checked)

    for number in range(5):
        assert visitor.post(f"/petition/made-up-{number}/sign/", {}).status_code == 404
    assert visitor.post(reverse("petitions:sign", args=[petition.slug]), {}).status_code in (
        200,
        403,
    )

    kept = " ".join(str(value.value) + key for key, value in public_cache._objects.items())
    public_content_changed()
    assert "made-up" not in kept
    assert petition.slug in kept  # the real petition is still answered from memory


def test_the_count_endpoint_gives_the_count_and_goal_as_json(client, petition):
    SignatureFactory.create_batch(3, petition=petition, confirmed=True)
    SignatureFactory(petition=petition)

    response = client.get(f"/petition/{petition.slug}/count.json")

    assert response.json() == {"count": 3, "goal": 100, "label": "signatures"}
    assert "max-age=5" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("prefix", "labels"),
    [
        ("", ["signature", "signature", "signatures"]),
        ("/en", ["signatures", "signature", "signatures"]),
    ],
)
def test_the_live_count_says_signature_or_signatures_as_the_page_language_does(
    client, petition, prefix, labels
):
    seen = []
    for _ in range(3):
        seen.append(client.get(f"{prefix}/petition/{petition.slug}/count.json").json()["label"])
        SignatureFactory(petition=petition, confirmed=True)
        counter.petition_count_reconcile(petition_id=petition.pk)

    # French says "0 signature", "1 signature"; English "0 signatures", "1 signature".
    assert seen == labels


def test_a_hostile_name_is_never_said_on_the_thank_you_page(client, petition):
    # Shown publicly, the first name stays readable: the page still will not say it.
    signature = SignatureFactory(petition=petition, first_name=XSS_NAME, show_first_name=True)
    path = reverse(
        "petitions:confirm",
        kwargs={"token": signature_links.confirmation_token_make(signature=signature)},
    )

    client.post(path)
    html = client.get(path).content.decode()

    assert "<h1>Merci</h1>" in html  # thanked without a name
    assert "img src" not in html and "onerror" not in html


def test_a_hostile_name_is_escaped_in_the_recent_signers(client, petition, confirm):
    confirm(SignatureFactory(petition=petition, first_name=XSS_NAME, show_first_name=True))
    confirm(
        SignatureFactory(
            petition=petition, first_name='=HYPERLINK("http://x")', show_first_name=True
        )
    )

    html = client.get(petition.get_absolute_url()).content.decode()

    assert XSS_NAME not in html
    assert "&lt;img src=x onerror=alert(1)&gt; (France)" in html
    assert "=HYPERLINK(&quot;http://x&quot;) (France)" in html


def test_a_hostile_name_never_reaches_the_email(signed_up, mailoutbox):
    signed_up(first_name=XSS_NAME)

    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert "img src" not in html and "img src" not in message.body
    assert "<p>Bonjour,</p>" in html  # greeted without a name
    # Kept as the signer typed it, sealed for the data officers.
    assert sealed_data_of(Signature.objects.get())["first_name"] == XSS_NAME


def test_pages_load_nothing_from_other_origins(client, petition):
    html = client.get(petition.get_absolute_url()).content.decode()

    assert not re.search(r'src="(https?:)?//', html)
    # A canonical or alternate address names the page for search engines; no browser loads it.
    assert not re.search(r'<link (?!rel="(canonical|alternate)")[^>]*href="(https?:)?//', html)
    assert '<script src="/static/js/signature-counter.js" defer></script>' in html
    assert "<script>" not in html and " style=" not in html


def _form_token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def test_a_signer_whose_browser_sent_no_cookie_gets_the_form_back_with_what_they_typed(
    petition, django_capture_on_commit_callbacks
):
    # An app's built-in browser that kept no cookie between the page and the button.
    phone = Client(enforce_csrf_checks=True)
    typed = {"first_name": "Aynur", "last_name": "Tursun", "email": "aynur@example.org"}
    sign_url = reverse("petitions:sign", args=[petition.slug])

    refused = phone.post(sign_url, {**typed, "country": "FR", "csrfmiddlewaretoken": "x" * 64})

    assert refused.status_code == 403
    assert not Signature.objects.exists()
    html = refused.content.decode()
    assert "Votre signature n&#x27;est pas encore enregistrée" in html
    assert 'class="error-summary"' in html  # the summary takes focus on a phone
    for value in typed.values():
        assert f'value="{value}"' in html
    assert '<option value="FR" selected>' in html

    # The page came with a fresh token and its cookie: the second press signs.
    with django_capture_on_commit_callbacks(execute=True):
        again = phone.post(
            sign_url, {**typed, "country": "FR", "csrfmiddlewaretoken": _form_token(html)}
        )

    assert again.status_code == 302
    assert Signature.objects.count() == 1


def test_the_emailed_links_work_in_a_browser_that_keeps_no_cookie(
    signed_up, mailoutbox, django_capture_on_commit_callbacks
):
    signed_up()
    mail_app = Client(enforce_csrf_checks=True)  # a mail program's own browser, cookies off

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = mail_app.post(_link(mailoutbox[0], "confirm"))

    # The secret link is the proof: no cookie is asked for, and none is set.
    assert confirmed.status_code == 302
    assert Signature.objects.get().status == Signature.Status.CONFIRMED
    assert "csrftoken" not in mail_app.get(_link(mailoutbox[0], "withdraw")).cookies
    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = mail_app.post(_link(mailoutbox[0], "withdraw"))
    assert withdrawn["Location"] == "/petition/withdrawn/"
    assert not Signature.objects.exists()


def test_any_other_public_form_refused_by_the_csrf_check_says_nothing_was_done(db):
    refused = Client(enforce_csrf_checks=True).post("/petition/liberez-mamat/", {"x": "1"})

    assert refused.status_code == 403
    html = refused.content.decode()
    assert "<h1>Rien n'a été fait</h1>" in html
    assert 'href="/petition/liberez-mamat/"' in html  # the way back to the form, a fresh token


def test_the_language_lives_in_the_address_and_no_cookie_sets_it(client, mamat_campaign):
    # Django's set_language view would keep a language cookie: nothing of the site posts to it.
    assert client.post("/i18n/setlang/", {"language": "en"}).status_code == 404
    assert '<html lang="en"' in client.get("/en/").content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_staff_pages_keep_django_s_own_csrf_page(db):
    refused = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "alice"})

    assert refused.status_code == 403
    assert "CSRF" in refused.content.decode()


def test_a_signer_who_changes_language_after_an_error_finds_the_form_again(client, petition):
    refused = client.post(reverse("petitions:sign", args=[petition.slug]), {"first_name": "Aynur"})
    english_sign_url = f"/en/petition/{petition.slug}/sign/"
    assert f'href="{english_sign_url}"' in refused.content.decode()

    switched = client.get(english_sign_url)

    assert switched.status_code == 302
    assert switched["Location"] == f"/en/petition/{petition.slug}/#act-sign"
    assert client.get(switched["Location"]).status_code == 200


def test_a_comment_over_several_lines_is_measured_as_the_browser_measures_it(signed_up, petition):
    # The page lets 1,000 characters through; the browser sends each line break as two.
    Petition.objects.filter(pk=petition.pk).update(allows_comment=True)
    comment = "\n".join(["Courage à sa famille."] * 20)
    comment += "!" * (1000 - len(comment))
    assert len(comment) == 1000 and comment.count("\n") == 19

    response = signed_up(comment=comment.replace("\n", "\r\n"))

    assert response.status_code == 302
    assert sealed_data_of(Signature.objects.get())["comment"] == comment


def test_the_form_sent_back_with_an_error_carries_the_sites_policy_and_the_redirect_none(
    signed_up,
):
    """A browser draws the page of errors, so it carries the policy; it follows the redirect
    after signing without drawing it, so a policy there would never be read."""
    refused = signed_up(email="not an address")
    accepted = signed_up()

    assert refused.status_code == 200
    assert "default-src 'self'" in refused["Content-Security-Policy"]
    assert accepted.status_code == 302
    assert "Content-Security-Policy" not in accepted

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaign.models import Page
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


def test_home_in_french_tells_mamats_story(client, mamat_campaign):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in html
    assert '<h1 class="page__title">Libérez Mamat</h1>' in html
    assert "Abdulaziz" in html
    assert "16 ou 17" in html
    assert 'id="act-sign"' in html
    assert html.count("<h1") == 1


def test_home_in_english_is_at_en(client, mamat_campaign):
    response = client.get("/en/")

    html = response.content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Free Mamat" in html
    assert "16 or 17 years" in html
    assert 'href="/camps/" hreflang="fr"' not in html
    assert 'hreflang="fr" lang="fr"' in html


def test_french_stays_french_whatever_the_browser_prefers(client, mamat_campaign):
    response = client.get("/", headers={"accept-language": "en"})

    assert '<html lang="fr"' in response.content.decode()


def test_a_page_not_yet_in_english_shows_its_french_marked_as_french(client, mamat_campaign):
    """A screen reader speaks the French text with a French voice, on an English page."""
    page = Page.objects.get(slug="camps")
    page.title_en, page.lead_en, page.body_en = "", "", ""
    page.save()

    html = client.get("/en/camps/").content.decode()

    assert '<html lang="en" dir="ltr">' in html
    assert '<h1 class="page__title" lang="fr" dir="ltr">Les camps et la torture</h1>' in html
    assert '<div class="rich-text" lang="fr" dir="ltr">' in html


def test_context_pages_are_in_the_menu(client, mamat_campaign):
    html = client.get("/").content.decode()

    assert 'href="/xinjiang/"' in html
    assert 'href="/camps/"' in html
    assert 'href="/privacy/"' in html
    assert 'href="/legal/"' in html


def test_page_carries_link_preview_tags(client, mamat_campaign):
    html = client.get("/xinjiang/").content.decode()

    assert '<meta property="og:title" content="Une vague de détentions arbitraires' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert 'property="og:image" content="http://testserver/static/img/share.png"' in html
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/xinjiang/">' in html


def test_draft_page_is_not_public(client, mamat_campaign):
    Page.objects.filter(slug="camps").update(status=Page.Status.DRAFT)

    assert client.get("/camps/").status_code == 404
    assert 'href="/camps/"' not in client.get("/").content.decode()


def test_staff_can_preview_a_draft(client, mamat_campaign):
    page = Page.objects.get(slug="camps")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.DRAFT)
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="view_page"))
    login_verified(client, editor)

    response = client.get(reverse("campaign:page_preview", kwargs={"pk": page.pk}))

    assert response.status_code == 200
    assert "Les camps et la torture" in response.content.decode()
    assert "Aperçu d'un brouillon" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_visitors_cannot_preview_a_draft(client, mamat_campaign):
    page = Page.objects.get(slug="camps")
    Page.objects.filter(pk=page.pk).update(status=Page.Status.DRAFT)

    response = client.get(reverse("campaign:page_preview", kwargs={"pk": page.pk}))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_script_written_around_the_editor_never_reaches_the_page(client, mamat_campaign):
    Page.objects.filter(slug="camps").update(
        body_fr='<p onclick="steal()">Texte</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">lien</a><img src=x onerror=alert(1)>'
    )

    html = client.get("/camps/").content.decode()

    assert "<p>Texte</p>" in html
    assert "alert(1)" not in html
    assert "steal()" not in html
    assert "onerror" not in html


def test_pages_send_a_strict_content_security_policy(client, mamat_campaign):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_page_is_a_translated_404(client, mamat_campaign):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize(
    ("path", "other_language", "its_home"),
    [
        ("/en/petition/liberez-mamat/nope/", "fr", "/"),
        ("/en/no/such/page/", "fr", "/"),
        ("/no-such-page/", "en", "/en/"),
    ],
)
def test_a_404_leads_to_the_home_page_of_each_other_language(
    client, mamat_campaign, path, other_language, its_home
):
    # The lost page has no address in the other language either: the switch must not point
    # back to it.
    response = client.get(path)

    assert response.status_code == 404
    html = response.content.decode()
    assert f'href="{its_home}" hreflang="{other_language}"' in html
    assert f'href="{path}"' not in html


def test_staff_pages_speak_the_browsers_language(client):
    english = client.get("/admin/login/", headers={"accept-language": "en"})
    french = client.get("/admin/login/", headers={"accept-language": "fr"})

    assert '<html lang="en"' in english.content.decode()
    assert '<html lang="fr"' in french.content.decode()


def test_share_call_to_action_offers_plain_links_to_this_page(client, mamat_campaign):
    html = client.get("/xinjiang/").content.decode()

    assert 'id="act-share"' in html
    assert "https://wa.me/?text=" in html
    assert "http%3A//testserver/xinjiang/" in html
    assert "<script" not in html.split('id="act-share"')[1].split("</section>")[0]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/camps/",
        "/en/camps/",
        "/petition/liberez-mamat/",
        "/en/petition/liberez-mamat/ledger/",
        "/petition/liberez-mamat/signed/",
        "/petition/confirm/not-a-whole-link/",
    ],
)
def test_each_page_links_to_itself_in_every_language_as_django_translates_it(
    client, mamat_campaign, path
):
    from django.conf import settings
    from django.urls import translate_url

    html = client.get(path).content.decode()

    for code, _name in settings.LANGUAGES:
        expected = translate_url(path, code)
        link = re.search(
            rf'<a class="language-switcher__link" href="([^"]*)" hreflang="{code}"', html
        )
        current = re.search(rf'aria-current="true" lang="{code}"', html)
        assert current or (link and link[1] == expected), (code, expected)

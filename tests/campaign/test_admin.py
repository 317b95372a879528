from html import unescape

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaign.models import Page
from tests.admin_forms import admin_change_form_data
from tests.campaign.other_staff import another_staff_member_acts_once_the_form_is_checked
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


def _change_url(page):
    return reverse("admin:campaign_page_change", args=[page.pk])


def test_editor_changes_the_case_title_in_both_languages(client, editor, mamat_campaign):
    page = Page.objects.get(slug="mamat")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    response = client.post(
        _change_url(page),
        admin_change_form_data(
            form_page, title_fr="Liberté pour Mamat", title_en="Freedom for Mamat"
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Liberté pour Mamat" in client.get("/").content.decode()
    assert "Freedom for Mamat" in client.get("/en/").content.decode()


def test_editor_input_is_sanitised_on_save(client, editor, mamat_campaign):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    client.post(
        _change_url(page),
        admin_change_form_data(
            form_page, body_fr='<p onmouseover="x()">Bonjour</p><script>alert(1)</script>'
        ),
    )

    page.refresh_from_db()
    assert page.body_fr == "<p>Bonjour</p>"


def test_image_without_a_description_is_refused(client, editor, mamat_campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))
    with open("static/img/share.png", "rb") as image:
        upload = SimpleUploadedFile("camp.png", image.read(), content_type="image/png")

    response = client.post(
        _change_url(page), admin_change_form_data(form_page, image=upload, image_alt_fr="")
    )

    assert response.status_code == 200
    assert "image_alt_fr" in response.context["adminform"].form.errors


def test_preview_of_unsaved_changes_saves_nothing(client, editor, mamat_campaign):
    page = Page.objects.get(slug="mamat")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    response = client.post(
        reverse("admin:campaign_page_preview_changes", args=[page.pk]),
        admin_change_form_data(form_page, title_fr="Titre pas encore enregistré"),
    )

    assert response.status_code == 200
    assert "Titre pas encore enregistré" in response.content.decode()
    page.refresh_from_db()
    assert page.title_fr == "Libérez Mamat"


def test_a_preview_of_changes_the_form_refuses_says_why_on_the_preview(
    client, editor, mamat_campaign
):
    """The preview opens in its own tab: the editor reads there why it shows the saved page."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    response = client.post(
        reverse("admin:campaign_page_preview_changes", args=[page.pk]),
        admin_change_form_data(form_page, title_fr="", lead_fr="Un chapô pas encore enregistré"),
    )

    html = unescape(response.content.decode())
    banner = html.partition('class="preview-banner"')[2].partition("</div>")[0]
    assert (
        "L'aperçu demande un formulaire valide\N{NO-BREAK SPACE}: Titre [fr]\N{NO-BREAK SPACE}: "
        "Ce champ est obligatoire." in banner
    )
    assert "Ci-dessous, la page telle qu'elle est enregistrée." in banner
    assert "Un chapô pas encore enregistré" not in html
    assert not list(response.wsgi_request._messages)


def test_publish_action_makes_drafts_public(client, editor, mamat_campaign):
    Page.objects.filter(slug="camps").update(status=Page.Status.DRAFT)
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)

    client.post(
        reverse("admin:campaign_page_changelist"),
        {"action": "publish", "_selected_action": [page.pk]},
    )

    assert client.get("/camps/").status_code == 200


def test_staff_without_the_permission_cannot_edit_pages(client, mamat_campaign):
    page = Page.objects.get(slug="mamat")
    stranger = User.objects.create_user("stranger", password="x", is_staff=True)
    login_verified(client, stranger)

    assert client.get(_change_url(page)).status_code == 403
    response = client.post(_change_url(page), {"title_fr": "Piraté"})
    assert response.status_code == 403
    page.refresh_from_db()
    assert page.title_fr == "Libérez Mamat"


@pytest.mark.django_db(transaction=True)
def test_an_address_another_staff_member_takes_while_the_form_saves_is_refused_on_the_slug_field(
    client, editor, mamat_campaign, monkeypatch
):
    """Two staff give two pages the address /temoignages/ at the same time: the other one saves
    after this form's checks and before its save."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))
    other_saved = another_staff_member_acts_once_the_form_is_checked(
        monkeypatch,
        lambda: Page.objects.create(
            campaign=mamat_campaign,
            kind=Page.Kind.CONTEXT,
            slug="temoignages",
            title_fr="Les familles témoignent",
        ),
    )

    response = client.post(
        _change_url(page),
        admin_change_form_data(form_page, slug="temoignages", title_fr="Les camps, témoignages"),
    )

    assert other_saved
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {
        "slug": [
            "La page «\N{NO-BREAK SPACE}Les familles témoignent\N{NO-BREAK SPACE}» a déjà "
            "l'adresse /temoignages/\N{NO-BREAK SPACE}: choisissez-en une autre."
        ]
    }
    assert form["slug"].value() == "temoignages"
    assert form["title_fr"].value() == "Les camps, témoignages"
    page.refresh_from_db()
    assert (page.slug, page.title_fr) == ("camps", "Les camps et la torture")


def test_visitors_are_sent_to_the_login_page(client, mamat_campaign):
    page = Page.objects.get(slug="mamat")

    response = client.get(_change_url(page))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_an_address_another_page_has_is_refused_on_the_slug_field_with_the_typing_kept(
    client, editor, mamat_campaign
):
    """The editor gives the camps page the address of the Xinjiang page, and a new title."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    response = client.post(
        _change_url(page),
        admin_change_form_data(form_page, slug="xinjiang", title_fr="Les camps, témoignages"),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["slug"] == [
        "La page «\N{NO-BREAK SPACE}Une vague de détentions arbitraires au Xinjiang"
        "\N{NO-BREAK SPACE}» a déjà l'adresse /xinjiang/\N{NO-BREAK SPACE}: choisissez-en une "
        "autre."
    ]
    assert form.non_field_errors() == []
    assert form["slug"].value() == "xinjiang"
    assert form["title_fr"].value() == "Les camps, témoignages"
    page.refresh_from_db()
    assert (page.slug, page.title_fr) == ("camps", "Les camps et la torture")


def _view_on_site_link(form_page) -> str:
    html = form_page.content.decode()
    return unescape(html.partition('class="viewsitelink"')[0].rpartition('href="')[2].rstrip('" '))


def test_view_on_site_of_a_draft_opens_its_preview_instead_of_a_missing_page(
    client, editor, mamat_campaign
):
    """An editor saves a new context page as a draft, then asks to see it on the site."""
    Page.objects.filter(slug="camps").update(status=Page.Status.DRAFT)
    draft = Page.objects.get(slug="camps")
    login_verified(client, editor)

    seen = client.get(_view_on_site_link(client.get(_change_url(draft))), follow=True)

    assert seen.status_code == 200
    html = unescape(seen.content.decode())
    assert "Aperçu d'un brouillon" in html
    assert "Les camps et la torture" in html


def test_view_on_site_of_a_published_page_opens_its_public_address(client, editor, mamat_campaign):
    published = Page.objects.get(slug="camps")
    login_verified(client, editor)

    link = _view_on_site_link(client.get(_change_url(published)))

    assert client.get(link, follow=True).request["PATH_INFO"] == "/camps/"


def test_a_new_context_page_starts_in_the_site_s_campaign_and_saves_without_choosing_it(
    client, editor, mamat_campaign
):
    editor.user_permissions.add(Permission.objects.get(codename="add_page"))
    login_verified(client, editor)
    form_page = client.get(reverse("admin:campaign_page_add"))

    response = client.post(
        reverse("admin:campaign_page_add"),
        admin_change_form_data(
            form_page,
            kind=Page.Kind.CONTEXT,
            status=Page.Status.DRAFT,
            slug="temoignages",
            position="0",
            title_fr="Témoignages d'anciens détenus",
            body_fr="<p>Premier témoignage.</p>",
            _continue="1",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Page.objects.get(slug="temoignages").campaign == mamat_campaign

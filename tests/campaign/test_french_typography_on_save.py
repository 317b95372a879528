"""A staff member types French with ordinary spaces; the site keeps each sign with its word."""

import pytest
from django.urls import reverse

from campaign.models import CallToAction, Page
from tests.admin_forms import admin_change_form_data
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db

NNBSP = "\u202f"
TYPED_BODY = "<p>Sa peine : 16 ans ? « Libérez-le »</p>"
TYPED_BODY_IN_ENGLISH = "<p>His sentence: 16 years? “Free him”</p>"


def _change_url(page):
    return reverse("admin:campaign_page_change", args=[page.pk])


def _save_case_page(client, editor, **typed):
    """Open the case page's form as the editor, type `typed` into it and press "Save"."""
    page = Page.objects.get(kind=Page.Kind.CASE)
    login_verified(client, editor)
    response = client.post(
        _change_url(page), admin_change_form_data(client.get(_change_url(page)), **typed)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    page.refresh_from_db()
    return page


def test_the_public_case_page_keeps_the_signs_with_their_words(client, editor, mamat_campaign):
    page = _save_case_page(client, editor, body_fr=TYPED_BODY, body_en=TYPED_BODY_IN_ENGLISH)

    expected = f"<p>Sa peine{NNBSP}: 16 ans{NNBSP}? «{NNBSP}Libérez-le{NNBSP}»</p>"
    assert page.body_fr == expected
    assert expected in client.get("/").content.decode()


def test_the_english_text_is_left_as_typed(client, editor, mamat_campaign):
    page = _save_case_page(
        client, editor, body_fr=TYPED_BODY, body_en=TYPED_BODY_IN_ENGLISH, title_en="Free him !"
    )

    assert page.body_en == TYPED_BODY_IN_ENGLISH
    assert page.title_en == "Free him !"


def test_every_french_text_of_the_page_is_typeset_not_only_its_body(client, editor, mamat_campaign):
    page = _save_case_page(client, editor, title_fr="Qui est Mamat ?", lead_fr="Il a dit : « non »")

    assert page.title_fr == f"Qui est Mamat{NNBSP}?"
    assert page.lead_fr == f"Il a dit{NNBSP}: «{NNBSP}non{NNBSP}»"


def test_a_link_and_its_attributes_are_left_as_typed(client, editor, mamat_campaign):
    link = '<a href="https://example.org/appel?lang=fr&amp;x=1 : 2">l\'appel</a>'
    page = _save_case_page(client, editor, body_fr=f"<p>Lisez {link} !</p>")

    assert page.body_fr == f"<p>Lisez {link}{NNBSP}!</p>"


def test_a_time_and_an_address_without_a_space_before_their_colon_are_left_alone(
    client, editor, mamat_campaign
):
    typed = "<p>Rendez-vous à 12:30, voir https://example.org/rdv?jour=2</p>"
    page = _save_case_page(client, editor, body_fr=typed, lead_fr="À 12:30 devant l'ambassade")

    assert page.body_fr == typed
    assert page.lead_fr == "À 12:30 devant l'ambassade"


def test_saving_the_page_again_changes_nothing_more(client, editor, mamat_campaign):
    first = _save_case_page(client, editor, body_fr=TYPED_BODY, title_fr="Libérez Mamat !")

    again = _save_case_page(client, editor)

    assert (again.body_fr, again.title_fr) == (first.body_fr, first.title_fr)
    assert again.body_fr.count(NNBSP) == 4


def test_rich_text_keeps_its_markup_whole(client, editor, mamat_campaign):
    typed = (
        "<h2>Pourquoi ?</h2>"
        '<p><strong>Sa peine</strong> : <a href="/petition/liberez-mamat/">signez</a> !</p>'
        "<ul><li>Un : la santé</li><li>Deux : la famille</li></ul>"
    )
    page = _save_case_page(client, editor, body_fr=typed)

    assert page.body_fr == typed.replace(" :", f"{NNBSP}:").replace(" ?", f"{NNBSP}?").replace(
        " !", f"{NNBSP}!"
    )
    assert '<a href="/petition/liberez-mamat/">signez</a>' in page.body_fr


def test_a_draft_of_a_published_page_is_typeset_too(client, editor, mamat_campaign):
    page = Page.objects.get(kind=Page.Kind.CASE)
    login_verified(client, editor)
    data = admin_change_form_data(client.get(_change_url(page)), body_fr=TYPED_BODY)

    client.post(_change_url(page), data | {"_save_draft": "Save as a draft"})

    page.refresh_from_db()
    assert page.working_copy["body_fr"].startswith(f"<p>Sa peine{NNBSP}: 16 ans{NNBSP}?")


def test_a_call_to_action_keeps_its_link_as_typed(client, mamat_campaign, django_user_model):
    call = CallToAction.objects.get(kind=CallToAction.Kind.SIGN)
    manager = django_user_model.objects.create_superuser("manager", password="x")
    login_verified(client, manager)
    url = reverse("admin:campaign_calltoaction_change", args=[call.pk])

    response = client.post(
        url,
        admin_change_form_data(
            client.get(url), title_fr="Signez !", url_fr="/petition/liberez-mamat/?de=accueil"
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    call.refresh_from_db()
    assert (call.title_fr, call.url_fr) == (
        f"Signez{NNBSP}!",
        "/petition/liberez-mamat/?de=accueil",
    )

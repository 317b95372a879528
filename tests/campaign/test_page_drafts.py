"""An editor saves a published page as a draft: texts kept aside, nothing dropped in silence."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from campaign.models import Page
from core.admin_mixins import EDITED_SINCE_OPENED
from tests.admin_forms import admin_change_form_data, admin_list_form_data
from tests.core.test_public_images import phone_photo
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def change_url(page: Page) -> str:
    return reverse("admin:campaign_page_change", args=[page.pk])


def draft_save(client, page: Page, **changes):
    form_page = client.get(change_url(page))
    data = admin_change_form_data(form_page, **changes) | {"_save_draft": "1"}
    return client.post(change_url(page), data)


def test_a_draft_keeps_the_search_engine_texts_aside_too(client, editor, mamat_campaign):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)

    response = draft_save(
        client, page, title_fr="Les camps (brouillon)", seo_description_fr="Résumé à venir"
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.working_copy["title_fr"] == "Les camps (brouillon)"
    assert page.working_copy["seo_description_fr"] == "Résumé à venir"
    assert page.seo_description_fr != "Résumé à venir"
    assert "Résumé à venir" not in client.get("/camps/").content.decode()


def test_a_draft_with_a_new_portrait_is_refused_rather_than_losing_the_portrait(
    client, editor, mamat_campaign
):
    page = Page.objects.get(slug="mamat")
    login_verified(client, editor)
    portrait = SimpleUploadedFile("mamat.jpg", phone_photo(), content_type="image/jpeg")

    response = draft_save(
        client, page, title_fr="Libérez Mamat (brouillon)", image=portrait, image_alt_fr="Mamat"
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith(
        "Un brouillon ne garde que les textes de la page\N{NO-BREAK SPACE}: ces changements "
        "seraient perdus\N{NO-BREAK SPACE}: Image. Appuyez sur «\N{NO-BREAK SPACE}Enregistrer"
    )
    page.refresh_from_db()
    assert page.working_copy is None and not page.image


def test_a_draft_that_changes_the_pages_address_or_status_is_refused(
    client, editor, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)

    response = draft_save(client, page, slug="les-camps", position="9")

    message = response.context["adminform"].form.non_field_errors()[0]
    assert "perdus\N{NO-BREAK SPACE}: Identifiant, Position." in message
    page.refresh_from_db()
    assert (page.slug, page.working_copy) == ("camps", None)


def test_a_draft_that_changes_the_calls_to_action_is_refused(verified_staff_client, mamat_campaign):
    page = Page.objects.get(slug="mamat")
    kept = list(page.pagecalltoaction_set.order_by("position").values_list("pk", flat=True))

    response = draft_save(verified_staff_client, page, **{"pagecalltoaction_set-0-DELETE": "on"})

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.non_form_errors() == [
        "Un brouillon ne garde pas les appels à l'action\N{NO-BREAK SPACE}: appuyez sur "
        "«\N{NO-BREAK SPACE}Enregistrer\N{NO-BREAK SPACE}» pour publier ces changements avec "
        "la page, ou annulez-les pour enregistrer un brouillon."
    ]
    assert list(page.pagecalltoaction_set.order_by("position").values_list("pk", flat=True)) == (
        kept
    )


def test_a_draft_saved_over_anothers_since_opened_is_refused_with_the_text_kept(
    client, editor, verified_staff_user, mamat_campaign
):
    """Two editors open the same published page; each saves a draft of the title."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    second = Client()
    login_verified(second, verified_staff_user)
    first_form, second_form = client.get(change_url(page)), second.get(change_url(page))

    first_save = client.post(
        change_url(page),
        admin_change_form_data(first_form, title_fr="Les camps, témoignages")
        | {"_save_draft": "1"},
    )
    second_save = second.post(
        change_url(page),
        admin_change_form_data(second_form, lead_fr="Un million de personnes")
        | {"_save_draft": "1"},
    )

    assert first_save.status_code == 302
    page.refresh_from_db()
    assert page.working_copy["title_fr"] == "Les camps, témoignages"
    assert second_save.status_code == 200
    form = second_save.context["adminform"].form
    assert form.non_field_errors() == [str(EDITED_SINCE_OPENED)]
    assert form["lead_fr"].value() == "Un million de personnes"


def _history(client, page: Page, language: str) -> list[str]:
    """Return the page's history as a reader in `language` sees it, the oldest entry first."""
    url = reverse("admin:campaign_page_history", args=[page.pk])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    table = response.content.decode().partition('id="change-history"')[2]
    return [row.split("</td>")[0] for row in table.split("<td>")[2::2]]


def test_the_pages_history_tells_a_draft_from_what_the_public_saw_change_in_each_readers_language(
    client, editor, verified_staff_user, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)  # the editor's admin speaks French

    def save(**changes):
        form_page = client.get(change_url(page))
        return client.post(change_url(page), admin_change_form_data(form_page, **changes))

    save()  # once saved from the admin, the loaded texts are as its editor writes them
    draft_save(client, page, title_fr="Les camps (brouillon)")
    save()  # "Save" publishes the draft
    draft_save(client, page, lead_fr="Un chapeau en attente")
    discard = admin_change_form_data(client.get(change_url(page))) | {"_discard_draft": "1"}
    client.post(change_url(page), discard)
    reader = Client()
    login_verified(reader, verified_staff_user)

    english, french = _history(reader, page, "en")[1:], _history(reader, page, "fr")[1:]

    page.refresh_from_db()
    assert page.title_fr == "Les camps (brouillon)"
    assert english == [
        "Saved a draft, not public: Title [fr].",
        "Published the draft: Title [fr].",
        "Saved a draft, not public: Lead [fr].",
        "Discarded the draft; the published page is unchanged.",
    ]
    assert french == [
        "Brouillon enregistré, non public\N{NO-BREAK SPACE}: Titre [fr].",
        "Brouillon publié\N{NO-BREAK SPACE}: Titre [fr].",
        "Brouillon enregistré, non public\N{NO-BREAK SPACE}: Chapô [fr].",
        "Brouillon abandonné\N{NO-BREAK SPACE}; la page publiée est inchangée.",
    ]


def test_a_page_history_entry_written_before_reads_as_it_was_written(
    client, verified_staff_user, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    LogEntry.objects.create(
        user=verified_staff_user,
        content_type=ContentType.objects.get_for_model(Page),
        object_id=str(page.pk),
        object_repr=str(page),
        action_flag=CHANGE,
        change_message="Brouillon enregistré, non public\N{NO-BREAK SPACE}: Titre [fr].",
    )
    login_verified(client, verified_staff_user)

    assert _history(client, page, "en") == [
        "Brouillon enregistré, non public\N{NO-BREAK SPACE}: Titre [fr]."
    ]


def test_a_page_saved_without_a_draft_names_its_changed_fields_in_each_readers_language(
    client, editor, verified_staff_user, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)

    def save(**changes):
        form_page = client.get(change_url(page))
        return client.post(change_url(page), admin_change_form_data(form_page, **changes))

    save()  # once saved from the admin, the loaded texts are as its editor writes them
    save(title_fr="Les camps", lead_en="A million people")
    reader = Client()
    login_verified(reader, verified_staff_user)

    assert _history(reader, page, "fr")[-1] == "Modification de Titre [fr] et Chapô [en]."
    assert _history(reader, page, "en")[-1] == "Changed Title [fr] and Lead [en]."


def test_moving_a_page_with_a_draft_in_the_list_of_pages_keeps_its_draft(
    client, editor, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    draft_save(client, page, title_fr="Les camps (brouillon)")
    list_url = reverse("admin:campaign_page_changelist")

    response = client.post(
        list_url, admin_list_form_data(client.get(list_url), {page.pk: {"position": "12"}})
    )

    assert response.status_code == 302
    page.refresh_from_db()
    assert page.position == 12
    assert page.working_copy["title_fr"] == "Les camps (brouillon)"
    assert page.title_fr == "Les camps et la torture"

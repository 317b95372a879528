"""`/` shows the campaign's case page: one is published at a time, and staff swap it knowingly."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from campaign import services
from campaign.admin.pages import PageAdmin
from campaign.models import Page
from tests.admin_forms import admin_change_form_data, admin_list_form_data
from tests.campaign.other_staff import (
    another_staff_member_acts_just_before,
    another_staff_member_acts_once_the_form_is_checked,
)
from tests.core.test_public_images import phone_photo
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"
ACTION_FR = "Publier à l'adresse du site (/), à la place de la page du cas qui s'y trouve"


@pytest.fixture
def new_case_page(mamat_campaign):
    """A second case page, written as a draft to take the first one's place some day."""
    return Page.objects.create(
        campaign=mamat_campaign,
        kind=Page.Kind.CASE,
        slug="mamat-quatre-ans",
        title_fr="Mamat, quatre ans sans nouvelles",
        title_en="Mamat, four years without news",
        status=Page.Status.DRAFT,
        position=5,
    )


def _change_url(page):
    return reverse("admin:campaign_page_change", args=[page.pk])


def _home_title(client, language_prefix=""):
    html = client.get(f"{language_prefix}/").content.decode()
    return html.partition("<h1")[2].partition(">")[2].partition("</h1>")[0].strip()


def _refusal_fr(title):
    return (
        f"Une seule page du cas est publiée à la fois, et «{NBSP}{title}{NBSP}» est celle "
        f"qui s'affiche à l'adresse du site (/). Pour afficher celle-ci à sa place, "
        f"enregistrez-la avec le statut «{NBSP}Brouillon{NBSP}», puis choisissez "
        f"«{NBSP}{ACTION_FR}{NBSP}» pour elle dans la liste des pages."
    )


def test_publishing_a_second_case_page_from_its_form_is_refused_on_its_status_with_the_text_kept(
    client, editor, new_case_page
):
    login_verified(client, editor)
    form_page = client.get(_change_url(new_case_page))

    response = client.post(
        _change_url(new_case_page),
        admin_change_form_data(
            form_page, status="published", lead_fr="Quatre ans que sa famille attend."
        ),
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["status"] == [_refusal_fr("Libérez Mamat")]
    assert form.non_field_errors() == []
    assert form["lead_fr"].value() == "Quatre ans que sa famille attend."
    new_case_page.refresh_from_db()
    assert new_case_page.status == Page.Status.DRAFT
    assert _home_title(client) == "Libérez Mamat"


@pytest.mark.django_db(transaction=True)
def test_a_case_page_another_staff_member_publishes_while_the_form_saves_is_named_with_all_kept(
    client, editor, new_case_page, monkeypatch, settings, tmp_path
):
    """`/` has no case page for a moment; two staff publish one at the same time, one from the
    list of pages, the other from the page's form, after the form's checks and before its save."""
    settings.MEDIA_ROOT = tmp_path / "media"
    mamat = Page.objects.get(slug="mamat")
    Page.objects.filter(pk=mamat.pk).update(status=Page.Status.DRAFT)
    login_verified(client, editor)
    form_page = client.get(_change_url(new_case_page))
    other_published = another_staff_member_acts_once_the_form_is_checked(
        monkeypatch, lambda: services.pages_publish(pages=Page.objects.filter(pk=mamat.pk))
    )

    response = client.post(
        _change_url(new_case_page),
        admin_change_form_data(
            form_page,
            status="published",
            lead_fr="Quatre ans que sa famille attend.",
            image=SimpleUploadedFile("portrait.jpg", phone_photo(), content_type="image/jpeg"),
            image_alt_fr="Mamat, souriant",
        ),
    )

    assert other_published
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"status": [_refusal_fr("Libérez Mamat")]}
    assert form["lead_fr"].value() == "Quatre ans que sa famille attend."
    assert form["image_alt_fr"].value() == "Mamat, souriant"
    new_case_page.refresh_from_db()
    assert new_case_page.status == Page.Status.DRAFT
    assert not new_case_page.lead_fr
    assert not new_case_page.image
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []
    assert _home_title(client) == "Libérez Mamat"


def test_the_form_shown_again_after_that_refusal_never_saves_the_page_beside_another(
    client, editor, new_case_page, monkeypatch
):
    """The other staff member's case page is written in the same database transaction here, so
    it goes with the refused save: the form shown again must not take its absence for a free
    `/`, and says which page refused it."""
    mamat = Page.objects.get(slug="mamat")
    Page.objects.filter(pk=mamat.pk).update(status=Page.Status.DRAFT)
    login_verified(client, editor)
    form_page = client.get(_change_url(new_case_page))
    form_done = PageAdmin.save_form

    def form_done_then_the_other_case_page_is_published(model_admin, request, form, change):
        Page.objects.filter(pk=mamat.pk).update(status=Page.Status.PUBLISHED)
        return form_done(model_admin, request, form, change)

    monkeypatch.setattr(PageAdmin, "save_form", form_done_then_the_other_case_page_is_published)

    response = client.post(
        _change_url(new_case_page), admin_change_form_data(form_page, status="published")
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"status": [_refusal_fr("Libérez Mamat")]}
    assert Page.objects.get(pk=new_case_page.pk).status == Page.Status.DRAFT


def test_a_published_context_page_turned_into_a_case_page_is_refused_on_its_kind(
    client, editor, mamat_campaign
):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))

    response = client.post(_change_url(page), admin_change_form_data(form_page, kind="case"))

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["kind"] == [_refusal_fr("Libérez Mamat")]
    assert form.non_field_errors() == []
    assert Page.objects.get(pk=page.pk).kind == Page.Kind.CONTEXT


def test_the_publish_action_leaves_a_second_case_page_a_draft_and_says_why(
    client, editor, new_case_page
):
    camps = Page.objects.get(slug="camps")
    Page.objects.filter(pk=camps.pk).update(status=Page.Status.DRAFT)
    login_verified(client, editor)

    response = client.post(
        reverse("admin:campaign_page_changelist"),
        {"action": "publish", "_selected_action": [new_case_page.pk, camps.pk]},
        follow=True,
    )

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert (
        f"Une seule page du cas est publiée à la fois, celle qui s'affiche à l'adresse du "
        f"site (/), donc celles-ci restent des brouillons{NBSP}: "
        f"«{NBSP}Mamat, quatre ans sans nouvelles{NBSP}». Pour afficher l'une d'elles à sa "
        f"place, sélectionnez-la seule et choisissez «{NBSP}{ACTION_FR}{NBSP}»."
    ) in said
    assert "1 page publiée." in said
    assert Page.objects.get(pk=camps.pk).is_published
    assert not Page.objects.get(pk=new_case_page.pk).is_published
    assert _home_title(client) == "Libérez Mamat"


def test_the_editor_puts_the_new_case_page_at_the_sites_address_in_place_of_the_old_one(
    client, editor, new_case_page
):
    old = Page.objects.get(slug="mamat")
    login_verified(client, editor)

    response = client.post(
        reverse("admin:campaign_page_changelist"),
        {"action": "publish_in_place", "_selected_action": [new_case_page.pk]},
        follow=True,
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        f"«{NBSP}Mamat, quatre ans sans nouvelles{NBSP}» est publiée à l'adresse du site (/)"
        f"{NBSP}; «{NBSP}Libérez Mamat{NBSP}» est désormais un brouillon."
    ]
    assert _home_title(client) == "Mamat, quatre ans sans nouvelles"
    assert _home_title(client, "/en") == "Mamat, four years without news"
    assert Page.objects.get(pk=old.pk).status == Page.Status.DRAFT
    assert client.get("/mamat/").status_code == 404


# What publishing from the list of pages sends the database, once its checks have passed.
PUBLISHING = 'UPDATE "campaign_page" SET "status"'


def _list_action_while_another_staff_member_publishes(client, action, pages, meanwhile):
    """Choose `action` for `pages` in the list of pages, while another staff member does
    `meanwhile` once the list's checks have passed, just before it publishes; return what the
    editor is told."""
    with another_staff_member_acts_just_before(PUBLISHING, meanwhile) as other_acted:
        response = client.post(
            reverse("admin:campaign_page_changelist"),
            {"action": action, "_selected_action": [page.pk for page in pages]},
            follow=True,
        )

    assert other_acted
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.django_db(transaction=True)
def test_a_case_page_another_staff_member_publishes_while_the_list_publishes_publishes_none(
    client, editor, new_case_page
):
    """`/` has no case page for a moment; the editor publishes the new case page and the camps
    page from the list, and another staff member Mamat's, after the list's checks."""
    mamat, camps = Page.objects.get(slug="mamat"), Page.objects.get(slug="camps")
    Page.objects.filter(pk__in=[mamat.pk, camps.pk]).update(status=Page.Status.DRAFT)
    login_verified(client, editor)

    told = _list_action_while_another_staff_member_publishes(
        client,
        "publish",
        [new_case_page, camps],
        meanwhile=lambda: services.pages_publish(pages=Page.objects.filter(pk=mamat.pk)),
    )

    assert told == [
        f"Au même moment, «{NBSP}Libérez Mamat{NBSP}» a été publiée à l'adresse du site (/), "
        f"où une seule page du cas s'affiche à la fois{NBSP}: aucune des pages sélectionnées "
        f"n'a été publiée. Choisissez de nouveau «{NBSP}Publier les pages sélectionnées{NBSP}» "
        f"pour les publier, sauf les pages du cas."
    ]
    assert not Page.objects.get(pk=new_case_page.pk).is_published
    assert not Page.objects.get(pk=camps.pk).is_published
    assert _home_title(client) == "Libérez Mamat"


@pytest.mark.django_db(transaction=True)
def test_a_case_page_another_staff_member_adds_while_one_is_put_in_place_changes_nothing(
    client, editor, new_case_page
):
    """`/` has no case page for a moment; the editor puts the new case page there from the
    list, while another staff member adds a case page, published, which the list's lock on
    the case pages could not hold back."""
    mamat = Page.objects.get(slug="mamat")
    Page.objects.filter(pk=mamat.pk).update(status=Page.Status.DRAFT)
    login_verified(client, editor)

    def another_case_page_added():
        Page.objects.create(
            campaign=mamat.campaign,
            kind=Page.Kind.CASE,
            slug="mamat-dix-ans",
            title_fr="Mamat, dix ans après",
            status=Page.Status.PUBLISHED,
        )

    told = _list_action_while_another_staff_member_publishes(
        client, "publish_in_place", [new_case_page], meanwhile=another_case_page_added
    )

    assert told == [
        f"Au même moment, «{NBSP}Mamat, dix ans après{NBSP}» a été publiée à l'adresse du site "
        f"(/){NBSP}: rien n'a changé. Pour y afficher «{NBSP}Mamat, quatre ans sans "
        f"nouvelles{NBSP}» à sa place, choisissez de nouveau «{NBSP}{ACTION_FR}{NBSP}» pour "
        f"elle."
    ]
    assert not Page.objects.get(pk=new_case_page.pk).is_published
    assert _home_title(client) == "Mamat, dix ans après"


@pytest.mark.django_db(transaction=True)
def test_moving_the_case_page_in_the_list_while_another_takes_its_place_keeps_the_new_one(
    client, editor, new_case_page
):
    """The editor moves Mamat's case page down the menu from the list of pages, while another
    staff member puts the new case page at `/` in its place, after the list read the pages."""
    mamat = Page.objects.get(slug="mamat")
    login_verified(client, editor)
    list_url = reverse("admin:campaign_page_changelist")
    data = admin_list_form_data(client.get(list_url), {mamat.pk: {"position": "30"}})

    with another_staff_member_acts_just_before(
        'UPDATE "campaign_page" SET',
        lambda: services.case_page_publish_in_place(page=new_case_page),
    ) as other_put_in_place:
        response = client.post(list_url, data)

    assert other_put_in_place
    assert response.status_code == 302
    mamat.refresh_from_db()
    assert (mamat.position, mamat.status) == (30, Page.Status.DRAFT)
    assert _home_title(client) == "Mamat, quatre ans sans nouvelles"


def test_only_a_case_page_can_be_put_at_the_sites_address(client, editor, mamat_campaign):
    camps = Page.objects.get(slug="camps")
    login_verified(client, editor)

    response = client.post(
        reverse("admin:campaign_page_changelist"),
        {"action": "publish_in_place", "_selected_action": [camps.pk]},
        follow=True,
    )

    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Sélectionnez une seule page du cas, celle à afficher à l'adresse du site (/)."
    ]
    assert Page.objects.get(slug="mamat").is_published
    assert _home_title(client) == "Libérez Mamat"


def test_a_draft_case_page_is_previewed_while_the_published_one_stays_at_the_sites_address(
    client, editor, new_case_page
):
    login_verified(client, editor)

    preview = client.get(reverse("campaign:page_preview", args=[new_case_page.pk]))

    assert "Mamat, quatre ans sans nouvelles" in preview.content.decode()
    assert _home_title(client) == "Libérez Mamat"


def test_the_database_refuses_a_second_published_case_page_whatever_writes_it(new_case_page):
    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.filter(pk=new_case_page.pk).update(status=Page.Status.PUBLISHED)

    assert services.pages_publish(pages=Page.objects.filter(pk=new_case_page.pk)) == 0
    assert Page.objects.published().of_kind(Page.Kind.CASE).get().slug == "mamat"


def test_load_campaign_brings_a_deleted_case_page_back_as_a_draft_beside_the_one_at_the_root(
    new_case_page,
):
    services.case_page_publish_in_place(page=new_case_page)
    Page.objects.filter(slug="mamat").delete()

    call_command("load_campaign")

    assert Page.objects.get(slug="mamat").status == Page.Status.DRAFT
    assert Page.objects.published().of_kind(Page.Kind.CASE).get().pk == new_case_page.pk


BEFORE = [("campaign", "0007_public_images_redrawn")]
AFTER = [("campaign", "0008_one_published_case_page")]


@pytest.mark.django_db(transaction=True)
def test_a_site_with_two_case_pages_published_keeps_the_one_at_its_root_when_upgraded(
    mamat_campaign, client
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    OldPage = old_apps.get_model("campaign", "Page")
    OldPage.objects.create(
        campaign_id=mamat_campaign.pk,
        kind="case",
        slug="mamat-bis",
        title_fr="Mamat, une seconde page",
        status="published",
        position=50,
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    assert dict(Page.objects.of_kind(Page.Kind.CASE).values_list("slug", "status")) == {
        "mamat": "published",
        "mamat-bis": "draft",
    }
    assert client.get("/").status_code == 200

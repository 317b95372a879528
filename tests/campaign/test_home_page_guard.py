"""`/` always has a page: the last published case page stays until another takes its place."""

import pytest
from django.contrib.messages import get_messages
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from campaign import home_page, services
from campaign.admin.pages import PageAdmin
from campaign.models import Campaign, Page
from tests.admin_forms import admin_change_form_data
from tests.campaign.other_staff import (
    another_staff_member_acts_once_this_returns,
    as_another_staff_member,
)
from tests.staff_fixtures import login_verified

NBSP = "\N{NO-BREAK SPACE}"


def test_the_last_published_case_page_cannot_be_unpublished(mamat_campaign, client):
    with pytest.raises(home_page.HomePageRequired):
        services.pages_unpublish(pages=Page.objects.filter(slug="mamat"))

    assert Page.objects.get(slug="mamat").is_published
    assert client.get("/").status_code == 200


def _gulshans_case_page_published(*, position: int) -> None:
    """A second campaign, for Gulshan Abbas, with its own case page published."""
    gulshan = Campaign.objects.create(name_fr="Libérez Gulshan Abbas", slug="gulshan")
    Page.objects.create(
        campaign=gulshan,
        kind=Page.Kind.CASE,
        slug="gulshan",
        title_fr="Libérez Gulshan Abbas",
        status=Page.Status.PUBLISHED,
        position=position,
    )


def test_another_campaigns_case_page_does_not_stand_in_for_this_ones(
    mamat_campaign, verified_staff_client
):
    """A second campaign, for Gulshan Abbas, has its own case page published: Mamat's is still
    the only one of its campaign, and stays."""
    _gulshans_case_page_published(position=90)
    mamat = Page.objects.get(slug="mamat")

    with pytest.raises(home_page.HomePageRequired):
        services.pages_unpublish(pages=Page.objects.filter(pk=mamat.pk))
    deletion = verified_staff_client.get(reverse("admin:campaign_page_delete", args=[mamat.pk]))

    assert Page.objects.get(pk=mamat.pk).is_published
    assert deletion.status_code == 403


def test_the_root_shows_the_sites_own_campaign_not_a_later_ones(mamat_campaign, client):
    """A second campaign's case page, placed before Mamat's in the list, does not take its place."""
    Page.objects.filter(slug="mamat").update(position=5)
    _gulshans_case_page_published(position=0)

    home = client.get("/")

    assert home.status_code == 200
    assert home.context["page"].slug == "mamat"


def test_it_leaves_once_another_case_page_is_put_in_its_place(mamat_campaign, client):
    new_case_page = Page.objects.create(
        campaign=mamat_campaign,
        kind=Page.Kind.CASE,
        slug="mamat-2",
        title_fr="Mamat, la suite",
        position=5,
    )

    replaced = services.case_page_publish_in_place(page=new_case_page)

    assert replaced is not None and replaced.slug == "mamat"
    assert not Page.objects.get(slug="mamat").is_published
    assert client.get("/").status_code == 200
    assert "Mamat, la suite" in client.get("/").content.decode()


def test_the_home_page_cannot_be_deleted_either(mamat_campaign, verified_staff_client):
    case = Page.objects.get(slug="mamat")
    delete_url = reverse("admin:campaign_page_delete", args=[case.pk])

    offered = verified_staff_client.get(delete_url)
    confirmed_anyway = verified_staff_client.post(delete_url, {"post": "yes"})

    assert offered.status_code == 403
    assert confirmed_anyway.status_code == 302
    assert Page.objects.filter(pk=case.pk).exists()
    assert (
        "delete_selected"
        not in verified_staff_client.get(reverse("admin:campaign_page_changelist"))
        .context["action_form"]
        .fields["action"]
        .choices.__repr__()
    )


def test_deleting_the_home_page_without_the_right_to_delete_pages_is_refused_plainly(
    client, editor, mamat_campaign
):
    """Told why only if the page's place at `/` is all that kept it: not a refusal of rights."""
    login_verified(client, editor)
    case = Page.objects.get(slug="mamat")

    response = client.post(reverse("admin:campaign_page_delete", args=[case.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert Page.objects.filter(pk=case.pk).exists()


def test_a_draft_saved_on_a_published_page_stays_off_the_public_site(
    mamat_campaign, verified_staff_client, client
):
    case = Page.objects.get(slug="mamat")
    form = verified_staff_client.get(reverse("admin:campaign_page_change", args=[case.pk]))
    data = {
        key: value
        for key, value in form.context["adminform"].form.initial.items()
        if value is not None and not isinstance(value, FieldFile)
    }
    data.update(
        {
            "title_fr": "Brouillon",
            "_save_draft": "1",
            "pagecalltoaction_set-TOTAL_FORMS": "0",
            "pagecalltoaction_set-INITIAL_FORMS": "0",
        }
    )

    verified_staff_client.post(reverse("admin:campaign_page_change", args=[case.pk]), data)

    case.refresh_from_db()
    assert case.working_copy["title_fr"] == "Brouillon"
    assert case.title_fr != "Brouillon"
    assert "Brouillon" not in client.get("/").content.decode()


# Another staff member puts the new case page at `/`, in place of Mamat's, while the editor
# takes it off the site: it had been a draft when the editor's request checked it.
PUT_AT_THE_SITES_ADDRESS_MEANWHILE = (
    f"Au même moment, «{NBSP}Mamat, quatre ans sans nouvelles{NBSP}» a été publiée à "
    f"l'adresse du site (/), où elle est désormais la seule page du cas{NBSP}: rien n'a été "
    f"dépublié ni supprimé. Pour la retirer, publiez d'abord une autre page du cas à sa place."
)


@pytest.fixture
def new_case_page(mamat_campaign):
    """A draft case page, to take the place of Mamat's at `/` some day."""
    return Page.objects.create(
        campaign=mamat_campaign,
        kind=Page.Kind.CASE,
        slug="mamat-quatre-ans",
        title_fr="Mamat, quatre ans sans nouvelles",
        status=Page.Status.DRAFT,
        position=5,
    )


def _home_title(client):
    html = client.get("/").content.decode()
    return html.partition("<h1")[2].partition(">")[2].partition("</h1>")[0].strip()


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _still_at_the_root(client, page, *, told, told_that=PUT_AT_THE_SITES_ADDRESS_MEANWHILE):
    """Assert that the editor was `told` that `page` was put at `/` meanwhile (`told_that`),
    that it is still published, and that `/` shows it."""
    assert told == [told_that]
    assert Page.objects.get(pk=page.pk).is_published
    assert _home_title(client) == page.title_fr


@pytest.mark.django_db(transaction=True)
def test_a_draft_unpublished_from_the_list_while_another_staff_member_puts_it_at_the_root_stays(
    client, editor, new_case_page, monkeypatch
):
    login_verified(client, editor)
    put_in_place = another_staff_member_acts_once_this_returns(
        monkeypatch,
        home_page,
        "home_page_guard",
        lambda: services.case_page_publish_in_place(page=new_case_page),
    )

    response = client.post(
        reverse("admin:campaign_page_changelist"),
        {"action": "unpublish", "_selected_action": [new_case_page.pk]},
        follow=True,
    )

    assert put_in_place
    _still_at_the_root(client, new_case_page, told=_messages(response))


@pytest.mark.django_db(transaction=True)
def test_a_draft_deleted_while_another_staff_member_puts_it_at_the_root_is_kept_and_shown(
    verified_staff_client, new_case_page, monkeypatch
):
    """Another staff member puts the draft at `/` once the admin has checked that it may be
    deleted and written the deletion in the page's history, just before it deletes it."""
    put_in_place = another_staff_member_acts_once_this_returns(
        monkeypatch,
        PageAdmin,
        "log_deletions",
        lambda: services.case_page_publish_in_place(page=new_case_page),
    )

    response = verified_staff_client.post(
        reverse("admin:campaign_page_delete", args=[new_case_page.pk]), {"post": "yes"}
    )

    assert put_in_place
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:campaign_page_change", args=[new_case_page.pk])
    _still_at_the_root(verified_staff_client, new_case_page, told=_messages(response))


# The editor opened the draft's delete confirmation; another staff member put the draft at `/`
# before they confirmed.
PUT_AT_THE_ROOT_WHILE_CONFIRMING = (
    f"Pendant que vous confirmiez sa suppression, «{NBSP}Mamat, quatre ans sans nouvelles{NBSP}» "
    f"a été publiée à l'adresse du site (/), où elle est désormais la seule page du cas{NBSP}: "
    f"elle n'a pas été supprimée. Pour la supprimer, publiez d'abord une autre page du cas à sa "
    f"place."
)


@pytest.mark.django_db(transaction=True)
def test_a_draft_put_at_the_root_while_its_deletion_is_confirmed_is_kept_and_the_editor_told(
    verified_staff_client, new_case_page
):
    delete_url = reverse("admin:campaign_page_delete", args=[new_case_page.pk])
    offered = verified_staff_client.get(delete_url)
    as_another_staff_member(lambda: services.case_page_publish_in_place(page=new_case_page))

    response = verified_staff_client.post(delete_url, {"post": "yes"})

    assert offered.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:campaign_page_change", args=[new_case_page.pk])
    _still_at_the_root(
        verified_staff_client,
        new_case_page,
        told=_messages(response),
        told_that=PUT_AT_THE_ROOT_WHILE_CONFIRMING,
    )


@pytest.mark.django_db(transaction=True)
def test_a_draft_saved_from_its_form_while_another_staff_member_puts_it_at_the_root_stays_there(
    client, editor, new_case_page, monkeypatch
):
    """The editor improves the draft's lead; its form still says "Draft" when another staff
    member puts it at `/`, after the form's check that it is not the page shown there."""
    login_verified(client, editor)
    form_page = client.get(reverse("admin:campaign_page_change", args=[new_case_page.pk]))
    put_in_place = another_staff_member_acts_once_this_returns(
        monkeypatch,
        home_page,
        "home_page_guard",
        lambda: services.case_page_publish_in_place(page=new_case_page),
    )

    response = client.post(
        reverse("admin:campaign_page_change", args=[new_case_page.pk]),
        admin_change_form_data(form_page, lead_fr="Quatre ans que sa famille attend."),
    )

    assert put_in_place
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["status"]
    assert form["lead_fr"].value() == "Quatre ans que sa famille attend."
    assert not Page.objects.get(pk=new_case_page.pk).lead_fr
    _still_at_the_root(client, new_case_page, told=form.errors["status"])


def test_the_root_without_a_published_case_page_says_the_page_is_coming_back(
    mamat_campaign, client
):
    Page.objects.filter(kind=Page.Kind.CASE).update(status=Page.Status.DRAFT)

    response = client.get("/")

    assert response.status_code == 503
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "La page de Mamat est en préparation" in html
    assert 'href="/camps/"' in html  # the rest of the site, in its menu

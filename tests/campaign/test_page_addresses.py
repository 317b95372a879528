"""A page never takes an address the site answers itself: staff would find something else there."""

import pytest
from django.urls import path, reverse

from campaign.models import Page
from campaign.page_addresses import page_address_taken_by_site
from config.urls import urlpatterns as site_urlpatterns
from tests.admin_forms import admin_change_form_data
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db

NBSP = "\N{NO-BREAK SPACE}"


def _change_url(page):
    return reverse("admin:campaign_page_change", args=[page.pk])


def _camps_page_saved_as(client, editor, slug):
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    form_page = client.get(_change_url(page))
    return client.post(
        _change_url(page),
        admin_change_form_data(form_page, slug=slug, title_fr="Les camps, témoignages"),
    )


@pytest.mark.parametrize(
    "slug",
    [
        "admin",  # the admin itself
        "petition",  # the petition, its ledger and its deliveries live under /petition/…
        "preview",  # staff's previews of pages
        "en",  # the English site
        "fr",  # sent to the root, where French lives
        "ug",  # the Uyghur site, once switched on
        "static",  # files served before any page
        "media",
        "healthz",  # the probes
        "readyz",
        "updates",  # the stop link of the news emails
        "anymail",  # the email provider's events
    ],
)
def test_an_address_the_site_answers_itself_is_refused_on_the_slug_field_with_the_typing_kept(
    client, editor, mamat_campaign, slug
):
    response = _camps_page_saved_as(client, editor, slug)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["slug"] == [
        f"L'adresse /{slug}/ est utilisée par le site lui-même, la page n'y serait donc pas "
        f"affichée{NBSP}: choisissez-en une autre."
    ]
    assert form.non_field_errors() == []
    assert form["slug"].value() == slug
    assert form["title_fr"].value() == "Les camps, témoignages"
    assert Page.objects.get(slug="camps").title_fr == "Les camps et la torture"


@pytest.mark.parametrize("slug", ["robots.txt", "sitemap.xml", "favicon.ico"])
def test_a_file_the_site_serves_at_its_root_cannot_be_a_pages_address_either(
    client, editor, mamat_campaign, slug
):
    response = _camps_page_saved_as(client, editor, slug)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert len(form.errors["slug"]) == 1
    assert form["slug"].value() == slug
    assert Page.objects.filter(slug="camps").exists()


@pytest.mark.parametrize("slug", ["temoignages", "ledger", "deliveries", "confirm"])
def test_an_ordinary_address_is_saved_and_shows_the_page_in_every_language(
    client, editor, mamat_campaign, slug
):
    """Words the site uses deeper in its addresses (/petition/…/ledger/) are free at the top."""
    response = _camps_page_saved_as(client, editor, slug)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert "Les camps, témoignages" in client.get(f"/{slug}/").content.decode()
    assert client.get(f"/en/{slug}/").status_code == 200


urlpatterns = [path("dons/", lambda request: None), *site_urlpatterns]


def test_an_address_the_site_mounts_later_is_refused_from_that_day(settings):
    assert not page_address_taken_by_site("dons")

    settings.ROOT_URLCONF = __name__

    assert page_address_taken_by_site("dons")
    assert not page_address_taken_by_site("temoignages")

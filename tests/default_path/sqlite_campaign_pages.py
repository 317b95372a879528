"""The refusals of a page's or a campaign's save, and `/` without its case page, on `make run`'s
SQLite.

SQLite does not name the constraint that refused a write (PostgreSQL does): campaign.services
then tells the refusals apart by the rows. Run by tests/campaign/test_on_make_runs_defaults.py
under tests/default_path/settings.py, never directly by `make test`.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection

from campaign import home_page, services
from campaign.models import Campaign, Page
from tests.core.test_public_images import phone_photo

pytestmark = pytest.mark.django_db


def test_these_are_make_runs_defaults(settings):
    assert connection.vendor == "sqlite"
    assert settings.DEBUG


def test_a_page_saved_at_another_pages_address_is_refused_naming_it_and_its_image_removed(
    mamat_campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    page = Page(
        campaign=mamat_campaign,
        kind=Page.Kind.CONTEXT,
        slug="camps",
        title_fr="Les camps, vus du ciel",
        image=SimpleUploadedFile("camps.jpg", phone_photo(), content_type="image/jpeg"),
        image_alt_fr="Un camp vu du ciel",
    )

    with pytest.raises(services.PageAddressTaken) as refused:
        services.page_save(page=page)

    assert refused.value.page == Page.objects.get(slug="camps")
    assert not Page.objects.filter(title_fr="Les camps, vus du ciel").exists()
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


def test_a_case_page_published_beside_the_one_at_the_root_is_refused_naming_it(mamat_campaign):
    page = Page(
        campaign=mamat_campaign,
        kind=Page.Kind.CASE,
        slug="mamat-quatre-ans",
        title_fr="Mamat, quatre ans sans nouvelles",
        status=Page.Status.PUBLISHED,
    )

    with pytest.raises(home_page.HomePageTaken) as refused:
        services.page_save(page=page)

    assert refused.value.home == Page.objects.get(slug="mamat")
    assert not Page.objects.filter(slug="mamat-quatre-ans").exists()


def test_a_page_refused_for_something_else_is_not_taken_for_another_pages(mamat_campaign):
    """A position out of range: neither its address nor `/` is taken, and the error says so."""
    page = Page(
        campaign=mamat_campaign,
        kind=Page.Kind.CONTEXT,
        slug="temoignages",
        title_fr="Témoignages",
        position=-1,
    )

    with pytest.raises(IntegrityError):
        services.page_save(page=page)

    assert not Page.objects.filter(slug="temoignages").exists()


def test_a_campaign_saved_at_another_campaigns_address_is_refused_naming_it(
    mamat_campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    campaign = Campaign(
        name_fr="Libérez Mamat, encore",
        slug=mamat_campaign.slug,
        share_image=SimpleUploadedFile("mamat.jpg", phone_photo(), content_type="image/jpeg"),
    )

    with pytest.raises(services.CampaignAddressTaken) as refused:
        services.campaign_save(campaign=campaign)

    assert refused.value.other == mamat_campaign
    assert Campaign.objects.count() == 1
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


def test_the_last_case_page_is_not_unpublished(mamat_campaign):
    with pytest.raises(home_page.HomePageRequired):
        services.pages_unpublish(pages=Page.objects.filter(slug="mamat"))

    assert Page.objects.get(slug="mamat").is_published


def test_the_root_without_a_case_page_says_it_is_being_prepared_not_djangos_404(
    mamat_campaign, client
):
    Page.objects.filter(kind=Page.Kind.CASE).update(status=Page.Status.DRAFT)

    response = client.get("/")

    assert response.status_code == 503
    html = response.content.decode()
    assert "La page de Mamat est en préparation" in html
    assert "Page not found" not in html  # Django's technical 404 under DEBUG

"""Mamat's portrait, uploaded by staff, reaches visitors without what the photo's file says."""

import base64
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from campaign.models import Campaign, Page
from core.public_images import stored_image_redraw
from tests.admin_forms import admin_change_form_data
from tests.campaign.other_staff import another_staff_member_acts_once_the_form_is_checked
from tests.core.test_public_images import TELLTALES, phone_photo
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def portrait_upload(client, editor, data: bytes):
    page = Page.objects.get(slug="mamat")
    login_verified(client, editor)
    url = reverse("admin:campaign_page_change", args=[page.pk])
    upload = SimpleUploadedFile("from Abdulaziz, Istanbul.jpg", data, content_type="image/jpeg")
    return client.post(
        url,
        admin_change_form_data(
            client.get(url), image=upload, image_alt_fr="Mamat, souriant", image_alt_en=""
        ),
    )


def stored_bytes(field_file) -> bytes:
    with default_storage.open(field_file.name, "rb") as stored:
        return stored.read()


def test_the_portrait_a_visitor_downloads_says_nothing_of_its_photographer(
    client, editor, mamat_campaign
):
    response = portrait_upload(client, editor, phone_photo(orientation=6))

    assert response.status_code == 302, response.context["adminform"].form.errors
    page = Page.objects.get(slug="mamat")
    assert "Abdulaziz" not in page.image.name and "Istanbul" not in page.image.name
    stored = stored_bytes(page.image)
    assert not [telltale for telltale in TELLTALES if telltale in stored]
    # Upright, and its size kept where the page is drawn without opening the file.
    assert (page.image_width, page.image_height) == (1200, 1600)
    html = client.get("/").content.decode()
    assert f'<img src="/media/{page.image.name}"' in html
    assert 'width="1200" height="1600"' in html


def test_a_damaged_photo_is_refused_with_a_clear_error_and_the_old_portrait_kept(
    client, editor, mamat_campaign
):
    response = portrait_upload(client, editor, phone_photo()[:5000])

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["image"]
    assert errors == [
        "Cette image n'a pas pu être lue en entier. Téléversez une photo au format JPEG, PNG "
        "ou WebP, d'au plus 120\N{NO-BREAK SPACE}mégapixels."
    ]
    assert not Page.objects.get(slug="mamat").image


@pytest.mark.django_db(transaction=True)
def test_a_portrait_sent_with_a_save_another_staff_member_got_in_first_leaves_no_file(
    client, editor, mamat_campaign, monkeypatch, tmp_path
):
    """The editor uploads a portrait with the camps page, at an address another staff member
    gives another page in the same moment: the page is not saved, and neither is its image,
    which anyone could otherwise fetch from /media/ with nothing on the site naming it."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    url = reverse("admin:campaign_page_change", args=[page.pk])
    form_page = client.get(url)
    other_saved = another_staff_member_acts_once_the_form_is_checked(
        monkeypatch,
        lambda: Page.objects.create(
            campaign=mamat_campaign, kind=Page.Kind.CONTEXT, slug="temoignages", title_fr="Eux"
        ),
    )

    response = client.post(
        url,
        admin_change_form_data(
            form_page,
            slug="temoignages",
            image=SimpleUploadedFile("portrait.jpg", phone_photo(), content_type="image/jpeg"),
            image_alt_fr="Un camp vu du ciel",
        ),
    )

    assert other_saved
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["slug"]
    assert not Page.objects.get(pk=page.pk).image
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []


def test_an_image_stored_by_a_script_is_redrawn_too(mamat_campaign):
    campaign = Campaign.objects.get()

    campaign.share_image.save("Abdulaziz.jpg", ContentFile(phone_photo()))

    campaign.refresh_from_db()
    assert "Abdulaziz" not in campaign.share_image.name
    assert not [t for t in TELLTALES if t in stored_bytes(campaign.share_image)]


def test_an_image_stored_before_is_redrawn_and_its_old_file_deleted(mamat_campaign):
    # As the migration finds a portrait uploaded before images were redrawn.
    old_name = default_storage.save("campaign/pages/from Abdulaziz.jpg", ContentFile(phone_photo()))
    Page.objects.filter(slug="mamat").update(image=old_name)
    page = Page.objects.get(slug="mamat")

    assert stored_image_redraw(instance=page, field_name="image")

    page.refresh_from_db()
    assert page.image.name != old_name and not default_storage.exists(old_name)
    assert not [t for t in TELLTALES if t in stored_bytes(page.image)]
    with Image.open(io.BytesIO(stored_bytes(page.image))) as image:
        assert (page.image_width, page.image_height) == image.size == (1600, 1200)


def test_a_row_whose_image_is_gone_is_left_as_it_is(mamat_campaign):
    Page.objects.filter(slug="mamat").update(image="campaign/pages/lost.jpg")
    page = Page.objects.get(slug="mamat")

    assert not stored_image_redraw(instance=page, field_name="image")
    assert Page.objects.get(slug="mamat").image.name == "campaign/pages/lost.jpg"


def test_a_link_preview_finds_the_share_image_where_the_storage_serves_it(
    client, settings, mamat_campaign
):
    campaign = Campaign.objects.get()
    campaign.share_image.save("share.jpg", ContentFile(phone_photo()))
    # The S3 storage gives each image its whole address, on the site's own /media/. (Not
    # STORAGES itself: changing it makes new storages, which the models' fields do not hold.)
    settings.MEDIA_URL = "https://mamat.example/media/"

    html = client.get("/").content.decode()

    image = re.search(r'property="og:image" content="([^"]+)"', html)[1]
    assert image == f"https://mamat.example/media/{campaign.share_image.name}"


def test_a_new_portrait_shows_in_the_preview_of_the_changes_and_nothing_is_stored(
    client, editor, mamat_campaign, settings
):
    """An editor picks a new photo and presses "Preview these changes" before saving."""
    page = Page.objects.get(slug="camps")
    login_verified(client, editor)
    url = reverse("admin:campaign_page_change", args=[page.pk])
    upload = SimpleUploadedFile("camp.jpg", phone_photo(orientation=6), content_type="image/jpeg")

    preview = client.post(
        reverse("admin:campaign_page_preview_changes", args=[page.pk]),
        admin_change_form_data(client.get(url), image=upload, image_alt_fr="Le camp"),
    )

    assert preview.status_code == 200
    figure = preview.content.decode().partition('class="page__figure"')[2]
    src = re.search(r'<img src="([^"]+)"', figure).group(1)
    # In the page itself: the photo has no address on the site until the changes are saved.
    assert src.startswith("data:image/jpeg;base64,")
    shown = base64.b64decode(src.partition(",")[2])
    assert Image.open(io.BytesIO(shown)).size == (1200, 1600)
    assert not [telltale for telltale in TELLTALES if telltale in shown]
    assert 'width="1200" height="1600"' in figure
    page.refresh_from_db()
    assert not page.image
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.jpg"))

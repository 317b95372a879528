"""A file stored for a row the database then refuses is removed; what the row had is kept."""

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from campaign.models import Page
from core.unsaved_files import files_removed_unless_saved
from tests.core.test_public_images import phone_photo

pytestmark = pytest.mark.django_db


def _stored_files(root):
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def test_a_new_image_whose_row_is_refused_is_removed_and_the_image_stored_before_kept(
    mamat_campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = Page.objects.get(slug="camps")
    page.image.save("before.jpg", ContentFile(phone_photo(size=(800, 600))))
    page.image = ContentFile(phone_photo(size=(400, 300)), name="after.jpg")
    page.slug = "xinjiang"  # another page's address: the database refuses the row

    with pytest.raises(IntegrityError), files_removed_unless_saved(page), transaction.atomic():
        page.save()

    stored_before = Page.objects.get(pk=page.pk).image.name
    assert _stored_files(tmp_path) == [stored_before]


def test_a_row_refused_with_its_image_unchanged_keeps_its_image(mamat_campaign, settings, tmp_path):
    """What the fix must not do: take the page's portrait with a refused change of its title."""
    settings.MEDIA_ROOT = tmp_path
    page = Page.objects.get(slug="camps")
    page.image.save("before.jpg", ContentFile(phone_photo(size=(800, 600))))
    page.slug = "xinjiang"

    with pytest.raises(IntegrityError), files_removed_unless_saved(page), transaction.atomic():
        page.save()

    assert _stored_files(tmp_path) == [Page.objects.get(pk=page.pk).image.name]

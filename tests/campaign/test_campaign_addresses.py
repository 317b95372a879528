"""A campaign's address (slug) is its own: two staff giving it to two campaigns at the same
moment lose nothing typed, and leave no image behind."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaign.admin.campaigns import CampaignAdmin
from campaign.models import Campaign
from tests.admin_forms import admin_change_form_data
from tests.campaign.other_staff import another_staff_member_acts_once_the_form_is_checked
from tests.core.test_public_images import phone_photo


@pytest.mark.django_db(transaction=True)
def test_a_campaign_saved_at_the_same_address_meanwhile_gives_the_form_back_with_all_kept(
    verified_staff_client, mamat_campaign, monkeypatch, settings, tmp_path
):
    """Two staff add a campaign for Gulshan at the same moment; the other one's is saved after
    this form's check that no campaign has its address, before its save."""
    settings.MEDIA_ROOT = tmp_path / "media"
    add_url = reverse("admin:campaign_campaign_add")
    form_page = verified_staff_client.get(add_url)
    other_saved = another_staff_member_acts_once_the_form_is_checked(
        monkeypatch,
        lambda: Campaign.objects.create(name_fr="Libérez Gulshan Abbas", slug="gulshan"),
        model_admin=CampaignAdmin,
    )

    response = verified_staff_client.post(
        add_url,
        admin_change_form_data(
            form_page,
            name_fr="Gulshan Abbas",
            slug="gulshan",
            tagline_fr="Libérée, elle doit rentrer chez elle.",
            share_image=SimpleUploadedFile("gulshan.jpg", phone_photo(), content_type="image/jpeg"),
            share_image_alt_fr="Gulshan Abbas, souriante",
        ),
    )

    assert other_saved
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["slug"]
    assert form["tagline_fr"].value() == "Libérée, elle doit rentrer chez elle."
    assert form["share_image_alt_fr"].value() == "Gulshan Abbas, souriante"
    assert list(Campaign.objects.filter(slug="gulshan").values_list("name_fr", flat=True)) == [
        "Libérez Gulshan Abbas"
    ]
    assert [path for path in (tmp_path / "media").rglob("*") if path.is_file()] == []

"""`/` always has a page: the last published case page stays until another takes its place."""

import pytest
from django.db.models.fields.files import FieldFile
from django.urls import reverse

from campaign import services
from campaign.models import Page


def test_the_last_published_case_page_cannot_be_unpublished(mamat_campaign, client):
    with pytest.raises(services.HomePageRequired):
        services.pages_unpublish(pages=Page.objects.filter(slug="mamat"))

    assert Page.objects.get(slug="mamat").is_published
    assert client.get("/").status_code == 200


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

    response = verified_staff_client.post(
        reverse("admin:campaign_page_delete", args=[case.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Page.objects.filter(pk=case.pk).exists()
    assert (
        "delete_selected"
        not in verified_staff_client.get(reverse("admin:campaign_page_changelist"))
        .context["action_form"]
        .fields["action"]
        .choices.__repr__()
    )


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

"""The legal notice waits for the identities the law requires; contact and privacy tell true."""

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaign.models import Campaign, Page
from campaign.services import pages_publish
from petitions import initial_content
from petitions.models import Petition
from tests.admin_forms import admin_change_form_data
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("missing", ["publisher_name", "publication_director", "hosting_provider"])
def test_the_legal_notice_cannot_be_published_without_what_the_law_requires(
    mamat_campaign, missing
):
    Campaign.objects.update(**{missing: ""})
    legal = Page.objects.get(kind=Page.Kind.LEGAL_NOTICE)
    Page.objects.filter(pk=legal.pk).update(status=Page.Status.DRAFT)
    legal.refresh_from_db()

    legal.status = Page.Status.PUBLISHED
    with pytest.raises(ValidationError):
        legal.full_clean()
    assert pages_publish(pages=Page.objects.filter(pk=legal.pk)) == 0
    assert Page.objects.get(pk=legal.pk).status == Page.Status.DRAFT


def test_staff_cannot_blank_the_publisher_while_the_legal_notice_is_public(mamat_campaign):
    campaign = Campaign.objects.get()
    campaign.publisher_name = ""

    with pytest.raises(ValidationError):
        campaign.full_clean()


def test_the_editor_is_told_why_the_legal_notice_stays_a_draft(client, mamat_campaign):
    Campaign.objects.update(hosting_provider="")
    legal = Page.objects.get(kind=Page.Kind.LEGAL_NOTICE)
    Page.objects.filter(pk=legal.pk).update(status=Page.Status.DRAFT)
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_page", "change_page", "view_campaign"])
    )
    login_verified(client, editor)
    url = reverse("admin:campaign_page_change", args=[legal.pk])

    response = client.post(url, admin_change_form_data(client.get(url), status="published"))

    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors
    assert "hébergeur" in response.content.decode()


def test_the_published_legal_notice_names_publisher_director_and_host(client, mamat_campaign):
    html = client.get("/legal/").content.decode()

    assert "Association des amis de Mamat (test)" in html
    assert "Directrice de la publication (test)" in html
    assert "Hébergeur (test)" in html


def test_the_contact_page_gives_the_campaigns_address_and_is_in_the_footer(client, mamat_campaign):
    html = client.get("/en/contact/").content.decode()

    assert '<a href="mailto:contact@example.org">contact@example.org</a>' in html
    assert "journalist" in html
    assert 'href="/contact/"' in client.get("/").content.decode()


def test_the_privacy_page_names_only_the_fields_the_form_asks(client, mamat_campaign):
    initial_content.petition_load_initial()

    html = client.get("/en/privacy/").content.decode()
    assert "First name" in html and "Country" in html
    assert "postcode" not in html.lower() and "comment" not in html.lower()

    Petition.objects.update(asks_postcode=True, allows_comment=True)
    html = client.get("/en/privacy/").content.decode()
    assert "Postcode (optional)" in html
    assert "They never receive your postcode either." in html
    assert "They never receive your comment either." in html

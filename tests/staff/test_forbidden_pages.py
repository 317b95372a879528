"""Staff meet no page their role refuses by following the admin, and a refusal says what to do."""

import re
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from campaign.models import Campaign, Page
from core.launch_checklist import launch_steps
from tests.petitions.factories_staff import (
    CAMPAIGN_EDITORS,
    DATA_OFFICERS,
    PETITION_MANAGERS,
    logged_in_as,
    roles_ensure,
)
from tests.test_html_validity import nu_checker_messages

pytestmark = pytest.mark.django_db

FRENCH = {"accept-language": "fr"}


@pytest.fixture
def new_server_campaign(db, settings):
    """The campaign as `load_campaign` leaves it on a new server: every step left to do."""
    call_command("load_campaign", stdout=StringIO())
    roles_ensure()
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    return Campaign.objects.get()


def _checklist_html(client) -> str:
    page = client.get(reverse("admin:index"), headers=FRENCH)
    assert page.status_code == 200
    section = re.search(
        r'<section class="module launch-checklist".*?</section>', page.content.decode(), re.S
    )
    assert section is not None
    return section[0]


def _links(html: str) -> list[str]:
    return [url.replace("&amp;", "&") for url in re.findall(r'<a href="([^"]+)"', html)]


def test_a_petition_manager_sees_the_steps_they_cannot_act_on_without_links(
    client, new_server_campaign
):
    logged_in_as(client, PETITION_MANAGERS)
    campaign_page = reverse("admin:campaign_campaign_change", args=[new_server_campaign.pk])
    case_page = reverse(
        "admin:campaign_page_change", args=[Page.objects.get(kind=Page.Kind.CASE).pk]
    )

    checklist = _checklist_html(client)

    # The steps are still there, in French, with their state, but no link to a refusal.
    for title in (
        "Les mentions légales, publiées",
        "Une adresse de contact",
        "Le portrait de Mamat sur la page du cas",
    ):
        assert re.search(rf"À faire\s*:</strong>\s*{title}\s*<p>", checklist), title
    assert campaign_page not in _links(checklist)
    assert case_page not in _links(checklist)
    assert "demandez à un administrateur ou à un membre de Campaign editors." in checklist
    # What they may act on keeps its link: the target's delivery address.
    assert any("/admin/petitions/target/" in url for url in _links(checklist))


@pytest.mark.parametrize("role", [PETITION_MANAGERS, DATA_OFFICERS, CAMPAIGN_EDITORS])
def test_every_link_of_the_checklist_opens_for_the_staff_member_who_sees_it(
    client, new_server_campaign, role
):
    logged_in_as(client, role)

    links = _links(_checklist_html(client))

    assert {url: client.get(url).status_code for url in links} == dict.fromkeys(links, 200)


def test_a_campaign_editor_still_follows_the_checklist_to_the_campaign(client, new_server_campaign):
    logged_in_as(client, CAMPAIGN_EDITORS)

    links = _links(_checklist_html(client))

    assert reverse("admin:campaign_campaign_change", args=[new_server_campaign.pk]) in links


def test_a_petition_manager_opening_the_campaign_page_is_refused_in_the_site_s_french_page(
    client, new_server_campaign
):
    logged_in_as(client, PETITION_MANAGERS)

    response = client.get(
        reverse("admin:campaign_campaign_change", args=[new_server_campaign.pk]), headers=FRENCH
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr"' in page
    assert "css/site.css" in page
    assert "<h1>Accès refusé</h1>" in page
    assert "Votre rôle dans l’équipe de la campagne ne permet pas" in page
    assert "demandez à un administrateur" in page
    assert re.search(rf'<a [^>]*href="{reverse("admin:index")}"', page)
    # Not Django's bare page, and nothing of why it refused (the exception, the permission).
    assert "403 Forbidden" not in page
    assert "Permission" not in page
    assert "change_campaign" not in page


def test_the_refusal_page_is_valid_html(client, new_server_campaign, tmp_path):
    logged_in_as(client, PETITION_MANAGERS)
    refused = reverse("admin:campaign_campaign_change", args=[new_server_campaign.pk])
    for language in ("fr", "en", "ug"):
        page = client.get(refused, headers={"accept-language": language})
        assert page.status_code == 403
        (tmp_path / f"403-{language}.html").write_text(page.content.decode())

    messages = nu_checker_messages(sorted(tmp_path.glob("*.html")))
    assert [f"{m.get('url')}: {m['message']}" for m in messages] == []


def test_every_step_that_links_somewhere_says_what_permission_acting_there_needs(
    new_server_campaign,
):
    steps = [step for step in launch_steps() if step.fix_url]

    assert steps
    for step in steps:
        app_label, _dot, codename = step.fix_permission.partition(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists(), step.title

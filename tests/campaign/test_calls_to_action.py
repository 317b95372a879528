"""Each call to action leads somewhere of its own, and never to a script."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaign.links import link_is_safe
from campaign.models import CallToAction
from petitions import initial_content
from tests.admin_forms import admin_change_form_data
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db


def _buttons(html: str) -> dict[str, str]:
    """Return {call's section id: where its button leads} on a page."""
    sections = re.findall(
        r'<section class="call-to-action[^"]*" id="([^"]+)"(.*?)</section>', html, re.S
    )
    return {
        anchor: (re.search(r'<a class="btn btn-primary" href="([^"]+)"', body) or [None, ""])[1]
        for anchor, body in sections
    }


def test_the_calls_on_the_case_page_each_lead_somewhere_of_their_own(client, mamat_campaign):
    initial_content.petition_load_initial()

    html = client.get("/").content.decode()

    buttons = _buttons(html)
    assert buttons["act-demand-care"] == "/petition/liberez-mamat/#demand"
    assert buttons["act-demand-information"] == "/petition/liberez-mamat/"
    assert 'action="/petition/liberez-mamat/sign/"' in html  # the sign call holds the form
    assert "share-links" in html[html.index('id="act-share"') :]  # the share call, the panel
    assert 'id="demand"' in client.get("/petition/liberez-mamat/").content.decode()
    assert _buttons(client.get("/en/").content.decode())["act-demand-care"] == (
        "/en/petition/liberez-mamat/#demand"
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.domain)",
        " JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "http://example.org/",
        "//evil.example/",
        "https://user@evil.example/",
        "/\\evil.example",
        "java\tscript:alert(1)",
    ],
)
def test_an_editor_cannot_save_a_link_that_is_not_ours_or_https(client, mamat_campaign, url):
    call = CallToAction.objects.get(kind="demand_care")
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_calltoaction", "change_calltoaction"])
    )
    login_verified(client, editor)
    change_url = reverse("admin:campaign_calltoaction_change", args=[call.pk])

    response = client.post(change_url, admin_change_form_data(client.get(change_url), url_fr=url))

    assert response.status_code == 200
    assert "url_fr" in response.context["adminform"].form.errors
    call.refresh_from_db()
    assert call.url_fr == "/petition/liberez-mamat/#demand"


@pytest.mark.parametrize(
    "url", ["", "#act-sign", "/petition/liberez-mamat/", "https://example.org/appeal"]
)
def test_site_paths_anchors_and_https_addresses_are_accepted(url):
    assert link_is_safe(url)


def test_a_script_link_written_around_the_admin_is_never_rendered(client, mamat_campaign):
    CallToAction.objects.filter(kind="demand_care").update(
        url_fr="javascript:alert(document.domain)"
    )

    html = client.get("/").content.decode()

    assert "javascript:" not in html
    assert _buttons(html)["act-demand-care"] == "#act-demand-care"

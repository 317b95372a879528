"""Each call to action leads somewhere of its own, and never to a script."""

import re

import pytest
from django.contrib.auth.models import Permission, User
from django.urls import reverse

from campaign.admin.calls_to_action import CallToActionAdmin
from campaign.links import link_is_safe
from campaign.models import CallToAction
from petitions import initial_content
from tests.admin_forms import admin_change_form_data
from tests.campaign.other_staff import another_staff_member_acts_once_the_form_is_checked
from tests.staff_fixtures import login_verified

pytestmark = pytest.mark.django_db

# The form's own refusal of a second call of one kind (Django's, for the model's constraint).
TAKEN_FR = "Un objet Appel à l'action avec ces champs Campagne et Type existe déjà."


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


def _call_to_action_editor():
    editor = User.objects.create_user("editor", password="x", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_calltoaction", "change_calltoaction", "add_calltoaction"]
        )
    )
    return editor


def _share_call_typed(form_page, mamat_campaign, title):
    return admin_change_form_data(
        form_page,
        campaign=mamat_campaign.pk,
        kind="share",
        title_fr=title,
        button_label_fr="Partager",
        is_active="on",
    )


@pytest.mark.django_db(transaction=True)
def test_a_call_of_a_kind_another_staff_member_adds_while_the_form_saves_is_refused_as_typed(
    client, mamat_campaign, monkeypatch
):
    """The share call was deleted; two staff add it again at the same time: the other one saves
    after this form's checks and before its save."""
    CallToAction.objects.filter(kind="share").delete()
    login_verified(client, _call_to_action_editor())
    add_url = reverse("admin:campaign_calltoaction_add")
    form_page = client.get(add_url)
    other_added = another_staff_member_acts_once_the_form_is_checked(
        monkeypatch,
        lambda: CallToAction.objects.create(
            campaign=mamat_campaign,
            kind="share",
            title_fr="Faites connaître son cas",
            button_label_fr="Partager",
        ),
        model_admin=CallToActionAdmin,
    )

    response = client.post(add_url, _share_call_typed(form_page, mamat_campaign, "Parlez de Mamat"))

    assert other_added
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.non_field_errors() == [TAKEN_FR]
    assert form["title_fr"].value() == "Parlez de Mamat"
    assert list(CallToAction.objects.filter(kind="share").values_list("title_fr", flat=True)) == [
        "Faites connaître son cas"
    ]


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

"""Staff follow a petition on its dashboard: numbers and a chart, never a signer."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from petitions.models import Signature
from tests.factories import PetitionFactory, SignatureFactory
from tests.petitions.factories_staff import CAMPAIGN_EDITORS, PETITION_MANAGERS, logged_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    logged_in_as(client, PETITION_MANAGERS)
    return client


@pytest.fixture
def campaign_under_way():
    petition = PetitionFactory()
    yesterday = timezone.now() - timedelta(days=1)
    SignatureFactory.create_batch(
        3, petition=petition, confirmed=True, country="FR", referral_code="abc"
    )
    SignatureFactory(petition=petition, confirmed=True, country="KZ", created_at=yesterday)
    SignatureFactory(petition=petition, country="KZ", created_at=yesterday)
    SignatureFactory(petition=petition, status=Signature.Status.FLAGGED, country="TR")
    SignatureFactory(petition=petition, status=Signature.Status.INVALIDATED, country="US")
    SignatureFactory(confirmed=True, first_name="Elsewhere")  # another petition
    return petition


def _dashboard(client, petition):
    return client.get(reverse("admin:petitions_petition_dashboard", args=[petition.pk]))


def test_the_dashboard_shows_counts_rate_top_countries_and_share_sources(
    manager_client, campaign_under_way, settings
):
    settings.COUNTRY_COUNT_THRESHOLD = 2
    response = _dashboard(manager_client, campaign_under_way)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Tableau de bord</h1>" in html
    assert f"<h2>{campaign_under_way.title}</h2>" in html
    assert f"{campaign_under_way.title} | Tableau de bord |" in html  # the tab names it
    dashboard = response.context["dashboard"]
    assert dashboard.counts == {"pending": 1, "confirmed": 4, "flagged": 1, "invalidated": 1}
    assert dashboard.total == 7
    assert dashboard.confirmation_rate == round(4 * 100 / 7)
    assert dashboard.top_countries == [("France", 3), ("Kazakhstan", 2), ("Autres pays", 1)]
    assert dashboard.top_sources == [("abc", 3)]
    assert dashboard.direct == 3
    assert [day.signed for day in dashboard.days[-2:]] == [2, 5]
    assert [day.confirmed for day in dashboard.days[-2:]] == [1, 3]


def test_the_chart_is_server_drawn_svg_with_a_title_and_a_table_and_no_inline_style(
    manager_client, campaign_under_way
):
    html = _dashboard(manager_client, campaign_under_way).content.decode()

    start = html.index('<svg role="img"')
    svg = html[start : html.index("</svg>", start)]
    assert "<title" in svg and "<desc" in svg
    assert 'class="dashboard-chart__tick"' in svg  # a vertical axis with numbers
    assert 'class="dashboard-chart__date"' in svg  # dates along the bottom
    assert "style=" not in html[html.index('id="content-main"') :]
    assert "<script" not in html[html.index('id="content-main"') :]
    assert "<table>" in html[html.index("</svg>", start) :]
    # Counts of signatures, in French's plural feminine, in the legend as in the table.
    assert ">Signées</text>" in svg and ">Confirmées</text>" in svg
    assert '<th scope="col">Signées</th>' in html and '<th scope="col">Confirmées</th>' in html


def test_the_dashboard_names_nobody(manager_client, campaign_under_way):
    html = _dashboard(manager_client, campaign_under_way).content.decode()

    assert "Signer" not in html and "@example.org" not in html


def test_a_petition_links_to_its_dashboard(manager_client, campaign_under_way):
    url = reverse("admin:petitions_petition_dashboard", args=[campaign_under_way.pk])

    listing = manager_client.get(reverse("admin:petitions_petition_changelist"))
    page = manager_client.get(
        reverse("admin:petitions_petition_change", args=[campaign_under_way.pk])
    )

    assert url in listing.content.decode()
    assert url in page.content.decode()


def test_a_petition_with_no_signature_yet_has_an_empty_dashboard(manager_client):
    response = _dashboard(manager_client, PetitionFactory())

    assert response.status_code == 200
    assert response.context["dashboard"].confirmation_rate is None
    html = response.content.decode()
    # A quiet hour is said in a sentence, not shown as five empty groups of a table.
    assert "Aucune source ne ressort dans la dernière heure." in html
    assert 'class="trending-sources"' not in html


def test_the_confirmation_rate_leaves_out_paper_signers_who_get_no_link(
    manager_client, campaign_under_way
):
    SignatureFactory.create_batch(3, petition=campaign_under_way, confirmed=True, source="paper")

    dashboard = _dashboard(manager_client, campaign_under_way).context["dashboard"]

    assert dashboard.total == 10
    assert dashboard.confirmation_rate == round(4 * 100 / 7)


def test_the_rate_chart_says_which_three_hours_it_shows(manager_client, campaign_under_way):
    now = timezone.localtime()

    html = _dashboard(manager_client, campaign_under_way).content.decode()

    axis = html[html.index('class="rate-chart__axis"') :]
    axis = axis[: axis.index("</figcaption>")]
    start = (now - timedelta(hours=3) + timedelta(minutes=1)).strftime("%H:%M")
    assert re.findall(r"<span>(\d\d:\d\d)</span>", axis) in (
        [start, now.strftime("%H:%M")],
        # The minute turned between the page and `now`.
        [
            (now - timedelta(hours=3) + timedelta(minutes=2)).strftime("%H:%M"),
            (now + timedelta(minutes=1)).strftime("%H:%M"),
        ],
    )
    assert "la ligne pointillée est le rythme habituel" in axis


def test_campaign_editors_cannot_open_a_dashboard(client, campaign_under_way):
    logged_in_as(client, CAMPAIGN_EDITORS)

    assert _dashboard(client, campaign_under_way).status_code == 403

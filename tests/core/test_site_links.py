"""A card's link to a page of this site keeps its reader in their language."""

import re

import pytest
from django.test import override_settings

from campaign.models import CallToAction, Page
from petitions import initial_content
from tests.public_pages import LANGUAGES_WITH_UYGHUR

pytestmark = pytest.mark.django_db


@pytest.fixture
def uyghur_on(mamat_campaign):
    initial_content.petition_load_initial()
    with override_settings(LANGUAGES=LANGUAGES_WITH_UYGHUR):
        yield


def _button(html: str, anchor: str) -> str:
    """Return where the button of the call to action `anchor` leads on a page."""
    section = re.search(rf'<section [^>]*id="{anchor}"(.*?)</section>', html, re.S).group(1)
    return re.search(r'<a class="btn btn-primary" href="([^"]+)"', section).group(1)


def _demand_care_links(**urls: str) -> None:
    fields = {"url_fr": "", "url_en": "", "url_ug": ""}
    fields.update(urls)
    CallToAction.objects.filter(kind="demand_care").update(**fields)


def test_a_uyghur_reader_s_cards_with_english_links_lead_to_the_uyghur_site(client, uyghur_on):
    html = client.get("/ug/").content.decode()

    assert _button(html, "act-demand-care") == "/ug/petition/liberez-mamat/#demand"
    assert _button(html, "act-demand-information") == "/ug/petition/liberez-mamat/"


def test_a_uyghur_reader_s_card_with_only_a_french_link_leads_to_the_uyghur_site(client, uyghur_on):
    _demand_care_links(url_fr="/petition/liberez-mamat/")

    html = client.get("/ug/").content.decode()

    assert _button(html, "act-demand-care") == "/ug/petition/liberez-mamat/"


def test_an_english_reader_s_card_with_only_a_french_link_leads_to_the_english_site(
    client, mamat_campaign
):
    initial_content.petition_load_initial()
    _demand_care_links(url_fr="/petition/liberez-mamat/")

    html = client.get("/en/").content.decode()

    assert _button(html, "act-demand-care") == "/en/petition/liberez-mamat/"


def test_a_fallen_back_link_keeps_its_query_and_fragment(client, uyghur_on):
    _demand_care_links(url_en="/en/petition/liberez-mamat/?src=radio#demand")

    html = client.get("/ug/").content.decode()

    assert _button(html, "act-demand-care") == "/ug/petition/liberez-mamat/?src=radio#demand"


@override_settings(SITE_URL="https://freemamat.example")
def test_a_fallen_back_address_on_the_site_leads_to_the_reader_s_language(client, uyghur_on):
    _demand_care_links(url_en="https://freemamat.example/en/petition/liberez-mamat/")

    html = client.get("/ug/").content.decode()

    assert _button(html, "act-demand-care") == (
        "https://freemamat.example/ug/petition/liberez-mamat/"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://www.amnesty.org/en/petition/liberez-mamat/",  # another host: as typed
        "/en/no/such/page/here/",  # the site cannot resolve it: as typed
    ],
)
def test_a_fallen_back_link_the_site_cannot_translate_is_shown_as_typed(client, uyghur_on, url):
    _demand_care_links(url_en=url)

    html = client.get("/ug/").content.decode()

    assert _button(html, "act-demand-care") == url


def test_a_link_in_the_reader_s_own_language_is_shown_as_typed(client, uyghur_on):
    _demand_care_links(
        url_en="/en/petition/liberez-mamat/#demand", url_ug="/petition/liberez-mamat/"
    )

    assert _button(client.get("/en/").content.decode(), "act-demand-care") == (
        "/en/petition/liberez-mamat/#demand"
    )
    # Staff chose the French page for Uyghur readers: their choice stands.
    assert _button(client.get("/ug/").content.decode(), "act-demand-care") == (
        "/petition/liberez-mamat/"
    )


@pytest.mark.usefixtures("_public_page_cache_on")
def test_pages_kept_in_the_public_cache_keep_each_language_s_links(client, uyghur_on):
    for _ in range(2):
        for prefix in ("/ug", "/en", ""):
            html = client.get(f"{prefix}/").content.decode()
            assert _button(html, "act-demand-care") == f"{prefix}/petition/liberez-mamat/#demand"


def _body_links(html: str) -> list[str]:
    body = re.search(r'<div class="rich-text"[^>]*>(.*?)</div>', html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', body)


def test_a_uyghur_reader_of_a_page_left_in_english_follows_its_links_on_the_uyghur_site(
    client, uyghur_on
):
    Page.objects.filter(slug="xinjiang").update(
        body_en=(
            '<p>See <a href="/en/camps/#witnesses">the camps</a>, '
            '<a href="/en/petition/liberez-mamat/?src=page">the petition</a>, '
            '<a href="https://www.amnesty.org/en/">Amnesty</a> and '
            '<a href="/en/no/such/page/">an old page</a>.</p>'
        ),
        body_ug="",
    )

    html = client.get("/ug/xinjiang/").content.decode()

    assert _body_links(html) == [
        "/ug/camps/#witnesses",
        "/ug/petition/liberez-mamat/?src=page",
        "https://www.amnesty.org/en/",
        "/en/no/such/page/",
    ]


def test_an_english_reader_of_a_page_left_in_french_follows_its_links_on_the_english_site(
    client, mamat_campaign
):
    Page.objects.filter(slug="xinjiang").update(
        body_fr='<p>Voir <a href="/camps/">les camps</a>.</p>', body_en=""
    )

    assert _body_links(client.get("/en/xinjiang/").content.decode()) == ["/en/camps/"]
    assert _body_links(client.get("/xinjiang/").content.decode()) == ["/camps/"]

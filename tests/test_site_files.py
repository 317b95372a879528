"""What crawlers and devices ask every site for, and the pages no one wants to see."""

import re
from xml.etree import ElementTree

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import RequestFactory
from django.views.defaults import server_error

from core.bad_request import bad_request

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_robots_keeps_the_signed_links_and_the_admin_out_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for path in ["/admin/", "/petition/confirm/", "/petition/withdraw/", "/en/petition/confirm/"]:
        assert f"Disallow: {path}\n" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_each_public_page_with_its_french_and_english_addresses(
    client, mamat_campaign
):
    from petitions import initial_content

    initial_content.petition_load_initial()

    root = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 (our own)

    locations = [url.find(f"{SITEMAP}loc").text for url in root.iter(f"{SITEMAP}url")]
    assert "http://testserver/" in locations and "http://testserver/en/" in locations
    assert "http://testserver/camps/" in locations
    assert "http://testserver/en/petition/liberez-mamat/" in locations
    assert "http://testserver/mamat/" not in locations  # the case page is the home page
    assert not any("/confirm/" in location for location in locations)
    camps = next(
        url
        for url in root.iter(f"{SITEMAP}url")
        if url.find(f"{SITEMAP}loc").text.endswith("/camps/")
    )
    alternates = {link.get("hreflang"): link.get("href") for link in camps.iter(f"{XHTML}link")}
    assert alternates["fr"] == "http://testserver/camps/"
    assert alternates["en"] == "http://testserver/en/camps/"


def test_icons_and_the_web_manifest_are_where_devices_look(client, mamat_campaign):
    assert client.get("/favicon.ico")["Location"] == "/static/img/favicon.ico"
    assert client.get("/apple-touch-icon.png")["Location"] == "/static/img/apple-touch-icon.png"
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Libérez Mamat"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    html = client.get("/").content.decode()
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_the_petition_page_is_described_by_staff_or_by_its_text(client, mamat_campaign):
    from petitions import initial_content
    from petitions.models import Petition

    initial_content.petition_load_initial()
    html = client.get("/petition/liberez-mamat/").content.decode()
    description = re.search(r'<meta name="description" content="([^"]+)">', html).group(1)
    assert description.startswith(Petition.objects.get().text[:40])

    Petition.objects.update(seo_description_fr="Signez pour la libération de Mamat.")
    html = client.get("/petition/liberez-mamat/").content.decode()
    assert '<meta name="description" content="Signez pour la libération de Mamat.">' in html


def test_the_500_page_needs_no_database_and_leads_home(django_db_blocker):
    request = RequestFactory().get("/")

    with django_db_blocker.block():  # any query would raise: the database is down
        response = server_error(request)

    html = response.content.decode()
    assert response.status_code == 500
    assert '<a class="btn btn-primary" href="/">' in html
    assert "/static/css/site.css" in html


def test_the_400_page_needs_no_database_nor_session_and_speaks_french_then_english(
    django_db_blocker,
):
    # Django refuses a bad request before any view, sometimes before the session is read.
    request = RequestFactory().get("/")

    with django_db_blocker.block():  # any query would raise
        response = bad_request(request, SuspiciousOperation("a header the site refuses"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "Bad Request (400)" not in html
    french = html.index("Le site n’a pas pu comprendre cette demande")
    english = html.index('<div lang="en">')
    assert french < english < html.index("The site could not understand this request")
    assert '<a class="btn btn-primary" href="/">' in html
    assert '<a class="btn btn-outline-primary" href="/en/">' in html
    assert "a header the site refuses" not in html  # nothing of what was refused


def test_a_visitor_who_reaches_the_site_under_a_name_it_does_not_serve_gets_its_page_not_django_s(
    client,
):
    response = client.get("/", headers={"host": "mamat.evil.example"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "Le site n’a pas pu comprendre cette demande" in html and "Bad Request" not in html
    assert "/static/css/site.css" in html

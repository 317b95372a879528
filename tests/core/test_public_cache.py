import html
import re

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.middleware.csrf import _does_token_match
from django.template import engines
from django.test import RequestFactory, override_settings
from django.urls import reverse

from campaign.models import Page
from core.public_cache import CSRF_INPUT, cache_public_page
from tests.admin_forms import admin_change_form_data
from tests.staff_fixtures import login_verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_public_page_cache_on")]


def test_a_surge_of_visitors_costs_no_query(client, mamat_campaign, django_assert_num_queries):
    client.get("/")

    with django_assert_num_queries(0):
        response = client.get("/")

    assert response.status_code == 200
    assert "Libérez Mamat" in response.content.decode()


def test_each_language_is_kept_apart(client, mamat_campaign):
    client.get("/")
    client.get("/en/")

    assert '<html lang="fr"' in client.get("/").content.decode()
    assert '<html lang="en"' in client.get("/en/").content.decode()


def test_every_visitor_gets_a_csrf_token_of_their_own(db):
    template = engines["django"].from_string("<form>{% csrf_token %}</form>")

    @cache_public_page
    def view(request):
        return HttpResponse(template.render({}, request))

    factory = RequestFactory()
    first, second = factory.get("/form/"), factory.get("/form/")
    first_html = view(first).content.decode()
    second_html = view(second).content.decode()

    def token(html):
        return html.split('value="')[1].split('"')[0]

    assert token(first_html) != token(second_html)
    assert _does_token_match(token(first_html), first.META["CSRF_COOKIE"])
    assert _does_token_match(token(second_html), second.META["CSRF_COOKIE"])


def test_staff_edit_reaches_the_public_page_at_once(
    client, mamat_campaign, django_capture_on_commit_callbacks
):
    page = Page.objects.get(slug="mamat")
    client.get("/")
    editor = User.objects.create_superuser("editor", "editor@example.org", "x")
    login_verified(client, editor)
    change_url = reverse("admin:campaign_page_change", args=[page.pk])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(change_url, admin_change_form_data(client.get(change_url), title_fr="Nouveau"))
    client.logout()

    assert '<h1 class="page__title">Nouveau</h1>' in client.get("/").content.decode()


def test_other_nodes_hear_of_an_edit_only_once_it_is_committed(
    client, mamat_campaign, django_capture_on_commit_callbacks
):
    # Told before the commit, a node could render the old page and keep it under the new
    # version: the edit would then wait PUBLIC_PAGE_CACHE_SECONDS instead of a second.
    from django.core.cache import cache

    from core.public_cache import CONTENT_VERSION_KEY

    page = Page.objects.get(slug="mamat")
    client.get("/")
    version_before = cache.get(CONTENT_VERSION_KEY)
    login_verified(client, User.objects.create_superuser("editor", "editor@example.org", "x"))
    change_url = reverse("admin:campaign_page_change", args=[page.pk])

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        client.post(change_url, admin_change_form_data(client.get(change_url), title_fr="Nouveau"))
        assert cache.get(CONTENT_VERSION_KEY) == version_before
    for callback in after_commit:
        callback()

    assert cache.get(CONTENT_VERSION_KEY) != version_before


def test_unpublished_page_leaves_the_cache(
    client, mamat_campaign, django_capture_on_commit_callbacks
):
    from campaign.services import pages_unpublish

    assert client.get("/camps/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        pages_unpublish(pages=Page.objects.filter(slug="camps"))

    assert client.get("/camps/").status_code == 404


@pytest.mark.parametrize("query", ["?s=20&t=Zx9kQ", "?igsh=MWQ1ZGUxMzBkMA==", "?ref=zz-mailing-7"])
def test_a_surge_by_a_link_an_app_tagged_costs_no_query_either(
    client, mamat_campaign, django_assert_num_queries, query
):
    # What X, Instagram or a newsletter adds to a shared link: the site reads none of it.
    client.get("/")

    with django_assert_num_queries(0):
        tagged = client.get("/" + query).content.decode()

    assert "Libérez Mamat" in tagged
    assert query.partition("=")[2] not in tagged  # nor writes it in its links


def test_a_shared_link_is_served_from_memory_with_its_share_code_in_the_form(
    client, mamat_campaign, django_assert_num_queries
):
    petition_url = "/petition/liberez-mamat/"
    client.get(petition_url)

    # A signer's link, as a network passes it on with its own click id.
    with django_assert_num_queries(0):
        shared = client.get(f"{petition_url}?src=abc123&fbclid=IwAR0xYz").content.decode()
        hostile = client.get(f'{petition_url}?src="><script>').content.decode()
        plain = client.get(petition_url).content.decode()

    assert 'name="referral_code" value="abc123"' in shared
    # What cannot be a share code is dropped, as the view drops it.
    assert 'name="referral_code" id="id_referral_code"' in hostile and "<script>" not in hostile
    # The code is this visitor's: the next one's form carries none.
    assert 'name="referral_code" id="id_referral_code"' in plain and "abc123" not in plain


@pytest.mark.parametrize(
    "query",
    [
        "?src=abc123",
        "?src=abc123&fbclid=IwAR0xYz",
        "?src=abc123&s=20&t=Zx9kQ",
        "?src=",
        '?src="><b>',
        f"?src={'a' * 17}",
        "?x=<b>",
    ],
)
def test_a_shared_link_served_from_memory_reads_as_the_view_draws_it(
    client, mamat_campaign, settings, query
):
    petition_url = "/petition/liberez-mamat/"
    client.get(petition_url)
    kept = client.get(petition_url + query).content.decode()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0

    drawn = client.get(petition_url + query).content.decode()

    assert CSRF_INPUT.sub(b"", kept.encode()) == CSRF_INPUT.sub(b"", drawn.encode())


def test_a_visitor_by_a_shared_link_who_changes_language_is_still_credited_to_the_sharer(
    client, mamat_campaign
):
    client.get("/petition/liberez-mamat/")
    shared = client.get("/petition/liberez-mamat/?src=abc123&fbclid=IwAR0xYz").content.decode()

    english_url = re.search(
        r'<a class="language-switcher__link" href="([^"]+)" hreflang="en"', shared
    )[1]
    english = client.get(html.unescape(english_url)).content.decode()

    assert english_url == "/en/petition/liberez-mamat/?src=abc123"  # the network's id left out
    assert 'name="referral_code" value="abc123"' in english


def test_the_first_visitor_by_a_shared_link_leaves_no_code_in_the_kept_page(client, mamat_campaign):
    first = client.get("/?src=first1").content.decode()
    later = client.get("/").content.decode()

    assert 'name="referral_code" value="first1"' in first
    assert "first1" not in later


@pytest.mark.parametrize(
    "path",
    [
        "/petition/liberez-mamat/",
        "/petition/liberez-mamat/ledger/",
        "/petition/liberez-mamat/ledger.json",
        "/petition/liberez-mamat/deliveries/",
        "/en/petition/liberez-mamat/deliveries/",
        "/petition/liberez-mamat/signed/",  # where every signer lands
    ],
)
def test_the_petition_and_its_proofs_are_kept_in_memory_too(
    client, mamat_campaign, django_assert_num_queries, path
):
    first = client.get(path)

    with django_assert_num_queries(0):
        again = client.get(path)

    assert first.status_code == again.status_code == 200
    # The same page, but for the CSRF token each visitor gets.
    assert CSRF_INPUT.sub(b"", again.content) == CSRF_INPUT.sub(b"", first.content)


def _pending_signers_confirm_url() -> str:
    """Sign the campaign's petition as Aynur; return the link her email gives to confirm."""
    from petitions import signature_links, signing
    from petitions.models import Petition

    signature = signing.signature_create(
        petition=Petition.objects.get(slug="liberez-mamat"),
        first_name="Aynur",
        last_name="Tursun",
        email="aynur@example.org",
        country="FR",
        language="fr",
        ip_hash="a" * 64,
    ).signature
    return f"/petition/confirm/{signature_links.confirmation_token_make(signature=signature)}/"


def test_a_signers_own_page_asks_the_database_only_for_the_signature(
    client, mamat_campaign, django_assert_num_queries, django_capture_on_commit_callbacks, settings
):
    from campaign.services import pages_unpublish

    settings.SIGNATURE_PETITION_CACHE_SECONDS = 5  # as in production
    confirm_url = _pending_signers_confirm_url()
    client.get(confirm_url)

    # The frame of every page (the campaign, its menu, its legal pages) is kept in memory, and
    # so is the petition: the one query reads the signature's row alone.
    with django_assert_num_queries(1) as queries:
        assert 'href="/camps/"' in client.get(confirm_url).content.decode()
    assert "petitions_petition" not in queries.captured_queries[0]["sql"]

    with django_capture_on_commit_callbacks(execute=True):
        pages_unpublish(pages=Page.objects.filter(slug="camps"))

    assert 'href="/camps/"' not in client.get(confirm_url).content.decode()


def test_the_views_own_headers_are_kept(db):
    @cache_public_page
    def view(request):
        response = HttpResponse("{}", content_type="application/json")
        response["Cache-Control"] = "max-age=5, public"
        return response

    view(RequestFactory().get("/count.json"))
    cached = view(RequestFactory().get("/count.json"))

    assert cached["Content-Type"] == "application/json"
    assert cached["Cache-Control"] == "max-age=5, public"


@override_settings(SIGNATURE_COUNT_CACHE_SECONDS=60)
def test_the_signature_count_is_answered_from_memory(client, django_assert_num_queries):
    from tests.factories import PetitionFactory

    petition = PetitionFactory(slug="count-me")
    url = reverse("petitions:count", kwargs={"slug": petition.slug})
    client.get(url)

    with django_assert_num_queries(0):
        response = client.get(url)

    assert response.json()["count"] == 0


def test_public_pages_are_still_served_when_redis_is_down(client, mamat_campaign, monkeypatch):
    from redis.exceptions import ConnectionError as RedisConnectionError

    from core import public_cache

    def unreachable(*args, **kwargs):
        raise RedisConnectionError("Redis is down")

    monkeypatch.setattr(public_cache.cache, "get", unreachable)
    monkeypatch.setattr(public_cache.cache, "add", unreachable)
    public_cache._version_memo.clear()

    response = client.get("/")

    assert response.status_code == 200
    assert "Libérez Mamat" in response.content.decode()


def test_the_frame_of_a_signers_page_is_drawn_once_and_follows_staff_edits(client, mamat_campaign):
    from unittest import mock

    import django.urls

    from core.public_cache import public_content_changed

    confirm_url = _pending_signers_confirm_url()

    def links_to_pages_drawn() -> int:
        """Open the signer's page; return how many links to the campaign's pages it drew."""
        # The {% url %} tag imports reverse as it draws: only the links drawn are counted.
        with mock.patch.object(django.urls, "reverse", wraps=django.urls.reverse) as reverse:
            assert client.get(confirm_url).status_code == 200
        return sum(call.args[0] == "campaign:page" for call in reverse.call_args_list)

    first = links_to_pages_drawn()
    again = links_to_pages_drawn()
    public_content_changed()  # what every staff edit through the admin or a service does
    after_an_edit = links_to_pages_drawn()

    # The menu and the footer's legal links, drawn once per worker and content version.
    assert first > 0 and again == 0 and after_an_edit == first

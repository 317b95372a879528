from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from campaign import selectors
from campaign.views import NOT_FOUND_MARK
from core.language_prefix import LANGUAGE_QUERY
from core.public_cache import page_query, public_content_version, public_object


def _page_url_in(request: HttpRequest, code: str) -> str:
    """Return this page's address in another language, as Django's translate_url does, but from
    the match the request already has: every page draws its links to the other languages."""
    match = request.resolver_match
    if match is None or getattr(request, NOT_FOUND_MARK, False):
        # No page at this address (a 404): its address in another language is nowhere, so the
        # link leads to that language's home page.
        with translation.override(code):
            return reverse("campaign:home")
    if not match.url_name:
        return translate_url(request.path, code)
    with translation.override(code):
        try:
            return reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return request.path


def _query_in(query: str, code: str) -> str:
    """Return `query` choosing the language `code`, for a page whose address has none."""
    chosen = QueryDict(query, mutable=True)
    chosen[LANGUAGE_QUERY] = code
    return chosen.urlencode()


def _languages(request: HttpRequest) -> list[dict]:
    """Each language's address of this page: with the query for the switch, without for search."""
    query = page_query(request)
    page_urls = {code: _page_url_in(request, code) for code, _name in settings.LANGUAGES}
    # A page of ours whose address is the same in every language (not a 404's, which is the
    # same in all of them too, and where nothing would come of the choice).
    outside_prefixes = (
        request.resolver_match is not None
        and len(settings.LANGUAGES) > 1
        and len(set(page_urls.values())) == 1
    )
    links = []
    for code, name in settings.LANGUAGES:
        page_url = page_urls[code]
        code_query = _query_in(query, code) if outside_prefixes else query
        links.append(
            {
                "code": code,
                "name": name,
                "url": f"{page_url}?{code_query}" if code_query else page_url,
                "page_url": page_url,
            }
        )
    return links


def _kept(name: str, load: Callable[[], Any]) -> Any:
    """What every page's frame shows, kept in memory like the public pages (core/public_cache).

    The pages no worker can keep whole (a signer's confirmation and withdrawal, a form sent
    back with its errors) then ask the database only for what is theirs.
    """
    return public_object(
        f"campaign.frame:{name}", seconds=settings.PUBLIC_PAGE_CACHE_SECONDS, load=load
    )


def site_navigation(request: HttpRequest) -> dict:
    """Give every template the campaign, its menu, its legal pages and the language links."""
    return {
        "campaign": SimpleLazyObject(lambda: _kept("campaign", selectors.campaign_current)),
        "navigation_pages": SimpleLazyObject(
            lambda: _kept("navigation", selectors.navigation_pages)
        ),
        "legal_pages": SimpleLazyObject(lambda: _kept("legal", selectors.legal_pages)),
        "language_links": SimpleLazyObject(lambda: _languages(request)),
        # The header and footer are kept by `{% cache %}` under the content's version.
        "frame_seconds": settings.PUBLIC_PAGE_CACHE_SECONDS,
        "frame_version": SimpleLazyObject(public_content_version),
        "site_url": settings.SITE_URL,
    }

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.functional import SimpleLazyObject

from campaign import selectors


def _languages(request: HttpRequest) -> list[dict]:
    """Each language's address of this page: with the query for the switch, without for search."""
    return [
        {
            "code": code,
            "name": name,
            "url": translate_url(request.get_full_path(), code),
            "page_url": translate_url(request.path, code),
        }
        for code, name in settings.LANGUAGES
    ]


def site_navigation(request: HttpRequest) -> dict:
    """Give every template the campaign, its menu, its legal pages and the language links."""
    return {
        "campaign": SimpleLazyObject(selectors.campaign_current),
        "navigation_pages": SimpleLazyObject(selectors.navigation_pages),
        "legal_pages": SimpleLazyObject(selectors.legal_pages),
        "language_links": SimpleLazyObject(lambda: _languages(request)),
        "site_url": settings.SITE_URL,
    }

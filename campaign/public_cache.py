"""Serve public pages from process memory, so that a surge of visitors costs no query.

Every visitor of a public page sees the same HTML but for the CSRF token of the signature form,
so the page is rendered once per worker and language, kept for PUBLIC_PAGE_CACHE_SECONDS, and
served with the visitor's own token put back in. When staff change content, a version number in
the shared cache moves on and every worker renders again (within a second).
"""

import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.translation import get_language

CONTENT_VERSION_KEY = "campaign:public-content-version"
CSRF_PLACEHOLDER = "__csrf_token_of_this_visitor__"
# The exact markup of Django's {% csrf_token %}.
CSRF_INPUT = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
VERSION_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _CachedPage:
    html: str
    content_type: str
    version: str
    expires_at: float


_pages: dict[str, _CachedPage] = {}
_version_memo: dict[str, tuple[float, str]] = {}


def public_content_changed() -> None:
    """Tell every worker that public content changed, so that none serves the old page."""
    cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    _version_memo.clear()
    _pages.clear()


def _content_version(now: float) -> str:
    memo = _version_memo.get("current")
    if memo and memo[0] > now:
        return memo[1]
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(CONTENT_VERSION_KEY, version, timeout=None)
        version = cache.get(CONTENT_VERSION_KEY, version)
    _version_memo["current"] = (now + VERSION_CHECK_SECONDS, version)
    return version


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.GET
    )


def _serve(request: HttpRequest, page: _CachedPage) -> HttpResponse:
    html = page.html
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return HttpResponse(html, content_type=page.content_type)


def cache_public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep the view's successful responses in memory; never for other methods or queries."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        now = time.monotonic()
        version = _content_version(now)
        key = f"{get_language()}:{request.path}"
        cached = _pages.get(key)
        if cached and cached.version == version and cached.expires_at > now:
            return _serve(request, cached)

        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            html = CSRF_INPUT.sub(
                rf"\g<1>{CSRF_PLACEHOLDER}\g<2>", response.content.decode(response.charset)
            )
            _pages[key] = _CachedPage(
                html=html,
                content_type=response["Content-Type"],
                version=version,
                expires_at=now + settings.PUBLIC_PAGE_CACHE_SECONDS,
            )
        return response

    return wrapper

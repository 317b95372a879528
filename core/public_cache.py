"""Serve public pages from process memory, so that a surge of visitors costs no query.

Every visitor of a public page sees the same HTML but for the CSRF token of the signature form,
so the page is rendered once per worker and language, kept for PUBLIC_PAGE_CACHE_SECONDS (or
the setting the view names), and served with the visitor's own token put back in. When staff
change content, a version number in the shared cache moves on and every worker renders again
(within a second).

A surge comes through shared links, and a shared link carries a query: a signer's share code
(?src=…, which only fills a hidden input of the forms, cleaned by the function the view uses:
PUBLIC_PAGE_QUERY_INPUTS) and whatever the network or the app adds to say where the click came
from (?fbclid=…, ?s=20&t=…, ?igsh=…, a new one each year). Those visitors get the kept page
too, the code put in its input, and the rest of the query is left out: the kept views read no
other (tests/test_public_pages.py draws each with a query it does not read and compares).
"""

import copy
import functools
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.middleware.csrf import get_token
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.module_loading import import_string
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

CONTENT_VERSION_KEY = "campaign:public-content-version"
# The exact markup of Django's {% csrf_token %}: the value is cut out of the kept page.
CSRF_INPUT = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")(?P<csrf>[^"]+)(?=")')
CSRF_GAP = "csrfmiddlewaretoken"
# A language link's address (templates/includes/language_switcher.html), drawn without the
# query: a shared link's code goes at its end, and at no other link's.
LANGUAGE_LINK_END = rb'(?<=<a class="language-switcher__link" href=")[^"?]*(?P<query>)(?=")'
QUERY_GAP = "?"
VERSION_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _CachedPage:
    # The page's bytes, cut where each form's CSRF token goes and where a hidden input a query
    # fills may take its value: gaps[i] (the token, or the input's name) goes after parts[i].
    parts: list[bytes]
    gaps: list[str]
    headers: dict[str, str]
    version: str
    expires_at: float


@dataclass(frozen=True)
class _CachedObject:
    value: Any
    version: str
    expires_at: float


def cache_errors() -> tuple[type[Exception], ...]:
    """What the shared cache raises when Redis is down, for `except cache_errors():`.

    A function, not a constant: Python evaluates an except clause only once something was
    raised, so a process that never talks to Redis (an export, a delivery) never loads the
    redis package and the memory it takes.
    """
    from redis.exceptions import RedisError

    return (RedisError, OSError)


_pages: dict[str, _CachedPage] = {}
_objects: dict[str, _CachedObject] = {}
_version_memo: dict[str, tuple[float, str]] = {}


def public_content_changed() -> None:
    """Tell every worker that public content changed, so that none serves the old page."""
    _version_memo.clear()
    _pages.clear()
    _objects.clear()
    try:
        cache.set(CONTENT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except cache_errors():
        logger.warning("Public content changed while the shared cache is down.", exc_info=True)


def _content_version(now: float) -> str:
    memo = _version_memo.get("current")
    if memo and memo[0] > now:
        return memo[1]
    try:
        version = cache.get(CONTENT_VERSION_KEY)
        if version is None:
            cache.add(CONTENT_VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(CONTENT_VERSION_KEY)
    except cache_errors():
        # Redis is down: keep serving what this worker has, and ask again in a second.
        logger.warning("Shared cache unreachable: public pages keep their version.", exc_info=True)
        version = memo[1] if memo else "shared-cache-unreachable"
    _version_memo["current"] = (now + VERSION_CHECK_SECONDS, version)
    return version


def public_content_version() -> str:
    """Return the version of the public content, read again at most once a second."""
    return _content_version(time.monotonic())


def public_object(key: str, *, seconds: int, load: Callable[[], Any]) -> Any:
    """Return what `load` gives, kept in this worker's memory like the public pages."""
    if seconds <= 0:
        return load()
    now = time.monotonic()
    version = _content_version(now)
    cached = _objects.get(key)
    if cached and cached.version == version and cached.expires_at > now:
        return cached.value
    value = load()
    _objects[key] = _CachedObject(value=value, version=version, expires_at=now + seconds)
    return value


def _query_kept(request: HttpRequest) -> dict[str, str]:
    """Return {parameter: cleaned value} of the query's fillable parameters; the others are
    left out, as no kept view reads them."""
    inputs = settings.PUBLIC_PAGE_QUERY_INPUTS
    return {
        parameter: _query_value_cleaner(inputs[parameter][1])(request.GET[parameter])
        for parameter in request.GET
        if parameter in inputs
    }


def page_query(request: HttpRequest) -> str:
    """Return the query a link to this page in another language carries.

    A shared link's code, cleaned, so that a visitor who changes language is still credited to
    the sharer; not what a network added to the link, nor anything else no page reads.
    """
    return _query_string(_query_kept(request))


def _query_string(kept: dict[str, str]) -> str:
    return urlencode({parameter: value for parameter, value in kept.items() if value})


@functools.cache
def _query_value_cleaner(dotted_path: str) -> Callable[[str], str]:
    return import_string(dotted_path)


def _without_query(request: HttpRequest) -> HttpRequest:
    """Return the request as a visitor without a query made it: what every visitor is kept."""
    bare = copy.copy(request)
    bare.GET = QueryDict()
    bare.META = {**request.META, "QUERY_STRING": ""}
    return bare


@functools.cache
def _gaps_pattern(input_names: tuple[str, ...]) -> re.Pattern[bytes]:
    """Where a visitor's own bytes go: each CSRF token, after each fillable input's name, and
    at the end of each language link's address (templates/includes/language_switcher.html)."""
    inputs = "".join(
        f'|(?<=<input type="hidden" name="{name}")(?P<input{index}>)'
        for index, name in enumerate(input_names)
    )
    return re.compile(b"|".join((CSRF_INPUT.pattern + inputs.encode(), LANGUAGE_LINK_END)))


def _cut(content: bytes) -> tuple[list[bytes], list[str]]:
    input_names = tuple(name for name, _clean in settings.PUBLIC_PAGE_QUERY_INPUTS.values())
    parts, gaps, start = [], [], 0
    for match in _gaps_pattern(input_names).finditer(content):
        group = match.lastgroup or ""
        gap_start, gap_end = match.span(group)
        parts.append(content[start:gap_start])
        if group.startswith("input"):
            gaps.append(input_names[int(group.removeprefix("input"))])
        else:
            gaps.append(CSRF_GAP if group == "csrf" else QUERY_GAP)
        start = gap_end
    parts.append(content[start:])
    return parts, gaps


def _serve(request: HttpRequest, page: _CachedPage, kept: dict[str, str]) -> HttpResponse:
    """Serve a kept page with the visitor's CSRF token and the shared link's cleaned query."""
    if not page.gaps:
        content = page.parts[0]
    else:
        # One join of bytes: the page is not encoded again, nor searched, for each visitor.
        inputs = settings.PUBLIC_PAGE_QUERY_INPUTS
        fills = {
            inputs[parameter][0]: f' value="{escape(value)}"'.encode()
            for parameter, value in kept.items()
            if value
        }
        if query := _query_string(kept):
            fills[QUERY_GAP] = escape(f"?{query}").encode()
        if CSRF_GAP in page.gaps:
            fills[CSRF_GAP] = get_token(request).encode()
        pieces = [page.parts[0]]
        for gap, part in zip(page.gaps, page.parts[1:], strict=True):
            pieces += (fills.get(gap, b""), part)
        content = b"".join(pieces)
    response = HttpResponse(content)
    for name, value in page.headers.items():
        response[name] = value
    return response


def cache_public_page(
    view: Callable[..., HttpResponse] | None = None,
    *,
    seconds_setting: str = "PUBLIC_PAGE_CACHE_SECONDS",
):
    """Keep the view's successful responses in memory for the setting's number of seconds.

    Never for other methods than GET and HEAD. A query gets the kept page, a shared link's
    code put in its form (see the module's docstring).
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            seconds = getattr(settings, seconds_setting)
            if seconds <= 0 or request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            kept = _query_kept(request)
            now = time.monotonic()
            version = _content_version(now)
            key = f"{view.__module__}.{view.__qualname__}:{get_language()}:{request.path}"
            cached = _pages.get(key)
            if cached and cached.version == version and cached.expires_at > now:
                return _serve(request, cached, kept)

            # Rendered as for a visitor without a query, so that no code is kept for others.
            response = view(_without_query(request) if request.GET else request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return view(request, *args, **kwargs) if request.GET else response
            parts, gaps = _cut(response.content)
            _pages[key] = cached = _CachedPage(
                parts=parts,
                gaps=gaps,
                headers=dict(response.headers),
                version=version,
                expires_at=now + seconds,
            )
            return _serve(request, cached, kept) if request.GET else response

        return wrapper

    return decorator(view) if view is not None else decorator

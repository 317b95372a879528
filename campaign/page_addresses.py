"""The addresses a page may take: none that the site answers itself.

A page lives at /<slug>/ (and /en/<slug>/, …), among the site's own addresses. A slug that one
of those answers (/en/, /admin/), or that opens a part of the site (/petition/…, /preview/…,
/static/…), would hide the page: staff would save it and find something else at its address.

Read from the URL configuration, the settings and the probes rather than listed by hand, so
that an address the site mounts later is refused from the day it is mounted.
"""

import re
from urllib.parse import urlparse

from django.conf import settings
from django.urls import (
    LocalePrefixPattern,
    NoReverseMatch,
    Resolver404,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import translation

from core.health import HEALTH_PATH, READINESS_PATH

PAGE_VIEW_NAME = "campaign:page"

# A route's or a regex's first segment, when it is written out whole ("admin/", "^fr/…").
_LEADING_SEGMENT = re.compile(r"^\^?(?P<segment>[\w~-]+(\.[\w~-]+)*)(/|\$|$)")


def page_address_taken_by_site(slug: str) -> bool:
    """Return whether a page at `slug` would be hidden by an address of the site's own."""
    return slug in site_first_segments() or any(
        not _page_answers(slug=slug, language=code) for code, _name in settings.LANGUAGES
    )


def site_first_segments() -> set[str]:
    """Return the first segments of the addresses the site answers other than with a page."""
    segments = _route_first_segments(get_resolver().url_patterns)
    # Each prepared language's prefix: switching Uyghur on (ENABLE_UYGHUR) mounts /ug/.
    segments |= {code for code, _name in settings.LANGUAGES}
    segments |= set(settings.MODELTRANSLATION_LANGUAGES)
    # Answered before the URL configuration: files by whitenoise and the proxy, the probes by
    # core.health (a visitor typing /healthz without its last slash meets the probe).
    for address in (settings.STATIC_URL, settings.MEDIA_URL, HEALTH_PATH, READINESS_PATH):
        parsed = urlparse(address or "")
        if not parsed.netloc:
            segments.add(parsed.path.strip("/").split("/")[0])
    segments.discard("")
    return segments


def _route_first_segments(patterns: list) -> set[str]:
    segments = set()
    for entry in patterns:
        match = None
        if not isinstance(entry.pattern, LocalePrefixPattern):
            match = _LEADING_SEGMENT.match(str(entry.pattern))
        if match is not None:
            segments.add(match["segment"])
        elif isinstance(entry, URLResolver) and not str(entry.pattern).startswith(("<", "^(")):
            # Mounted at the root (a language's prefix, the campaign's own URLs): look inside.
            segments |= _route_first_segments(entry.url_patterns)
    return segments


def _page_answers(*, slug: str, language: str) -> bool:
    """Return whether the page view answers the page's address in `language`, as a request
    would be answered: in the language its address names, or else the site's own."""
    with translation.override(language):
        try:
            path = reverse(PAGE_VIEW_NAME, kwargs={"slug": slug})
        except NoReverseMatch:
            return False
    with translation.override(translation.get_language_from_path(path) or settings.LANGUAGE_CODE):
        try:
            match = resolve(path)
        except Resolver404:
            return False
    return match.view_name == PAGE_VIEW_NAME and match.kwargs == {"slug": slug}

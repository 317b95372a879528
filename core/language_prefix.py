"""French lives at the root (/camps/), so /fr/camps/, typed or edited from /en/camps/, goes there.

Django's i18n_patterns with prefix_default_language=False answer a 404 for the default
language's prefix; a reader who changed "en" to "fr" in an address got "no page here".

A page outside the prefixes (the stop link of the news emails, which must work whatever the
language it was sent in) takes the language a visitor chooses from `?lang=`: its address is the
same in every language, so the language links add it (campaign/context_processors.py).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponsePermanentRedirect

LANGUAGE_QUERY = "lang"


def language_chosen(request: HttpRequest) -> str | None:
    """Return the language a visitor chose with `?lang=` on a page outside the prefixes."""
    code = request.GET.get(LANGUAGE_QUERY, "")
    return code if code in dict(settings.LANGUAGES) else None


def default_language_prefix_redirect(
    request: HttpRequest, rest: str
) -> HttpResponsePermanentRedirect:
    """Send /fr/<rest> to /<rest>, keeping the query string, and never off the site."""
    # "/fr//evil.example/" must not become "//evil.example/", which browsers read as a host.
    path = "/" + rest.lstrip("/\\")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)

"""French lives at the root (/camps/), so /fr/camps/, typed or edited from /en/camps/, goes there.

Django's i18n_patterns with prefix_default_language=False answer a 404 for the default
language's prefix; a reader who changed "en" to "fr" in an address got "no page here".
"""

from django.http import HttpRequest, HttpResponsePermanentRedirect


def default_language_prefix_redirect(
    request: HttpRequest, rest: str
) -> HttpResponsePermanentRedirect:
    """Send /fr/<rest> to /<rest>, keeping the query string, and never off the site."""
    # "/fr//evil.example/" must not become "//evil.example/", which browsers read as a host.
    path = "/" + rest.lstrip("/\\")
    query = request.META.get("QUERY_STRING", "")
    return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)

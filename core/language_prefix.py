"""French lives at the root (/camps/), so /fr/camps/, typed or edited from /en/camps/, goes there.

Django's i18n_patterns with prefix_default_language=False answer a 404 for the default
language's prefix; a reader who changed "en" to "fr" in an address got "no page here".

They answer a 404 too for the prefix of a language the site no longer serves (Uyghur switched
off with ENABLE_UYGHUR, or a link opened on a deployment without it): Django's LocaleMiddleware
takes /ug/… for a French page named "ug/…", which does not exist. Every link emailed to a signer
(confirm, withdraw, a delivery's notice) carries their language's prefix, so a signer could no
longer withdraw; such an address goes to the same page in the default language instead.

A page outside the prefixes (the stop link of the news emails, which must work whatever the
language it was sent in) takes the language a visitor chooses from `?lang=`: its address is the
same in every language, so the language links add it (campaign/context_processors.py).
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import is_valid_path

from core.served_languages import language_is_served

LANGUAGE_QUERY = "lang"


def language_chosen(request: HttpRequest) -> str | None:
    """Return the language a visitor chose with `?lang=` on a page outside the prefixes."""
    code = request.GET.get(LANGUAGE_QUERY, "")
    return code if language_is_served(code) else None


def _root_path(rest: str) -> str:
    """Return /<rest>, never off the site."""
    # "/fr//evil.example/" must not become "//evil.example/", which browsers read as a host.
    return "/" + rest.lstrip("/\\")


def _path_at_the_root(request: HttpRequest, rest: str) -> str:
    """Return /<rest> with the request's query string, never off the site."""
    path = _root_path(rest)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{query}" if query else path


def default_language_prefix_redirect(
    request: HttpRequest, rest: str
) -> HttpResponsePermanentRedirect:
    """Send /fr/<rest> to /<rest>, keeping the query string, and never off the site."""
    return HttpResponsePermanentRedirect(_path_at_the_root(request, rest))


def unserved_language_prefix_redirect(request: HttpRequest) -> HttpResponseRedirect | None:
    """Send /<a language no longer served>/<rest>, found nowhere, to /<rest> if that exists.

    Only for the languages the site keeps content in (MODELTRANSLATION_LANGUAGES), the ones
    it may have served: another two letters in front of an unknown page stay a 404. The
    redirect is temporary, since the language may be switched on again.
    """
    language, _, rest = request.path_info.lstrip("/").partition("/")
    if language not in settings.MODELTRANSLATION_LANGUAGES or language_is_served(language):
        return None
    path = _root_path(rest)
    urlconf = getattr(request, "urlconf", None)
    if not (
        is_valid_path(path, urlconf)
        or (settings.APPEND_SLASH and is_valid_path(f"{path}/", urlconf))
    ):
        return None  # no such page in any language: the 404 stands
    return HttpResponseRedirect(_path_at_the_root(request, rest))

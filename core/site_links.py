"""A link staff typed to a page of this site, shown in the reader's language.

A translated link (a call to action's `url`, a link in a page's body) falls back like any
other text: a Uyghur reader of a card with only an English link got `/en/petition/…`, and the
English site with it. A link that fell back and leads inside the site (a path, or an address
on SITE_URL) is resolved in the language it was written in and reversed in the reader's, its
query and fragment kept. A link to another host, or one the site cannot resolve, is shown as
typed.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from modeltranslation.utils import get_language

from core.content_language import field_language_shown


def _leads_inside_the_site(url: str) -> bool:
    """Return whether `url` is a path, or an absolute address on SITE_URL."""
    parts = urlsplit(url)
    if not parts.netloc:
        return not parts.scheme and parts.path.startswith("/")
    return parts.netloc.lower() == urlsplit(settings.SITE_URL).netloc.lower()


def site_link_in_language(url: str, *, written_in: str, language: str) -> str:
    """Return `url`, a link written for `written_in` readers, as `language` readers need it."""
    if written_in == language or not _leads_inside_the_site(url):
        return url
    # translate_url resolves in the active language: /en/… only resolves while English is.
    with translation.override(written_in):
        return translate_url(url, language)


def link_in_reader_language(instance, field: str) -> str:
    """Return a translated link field's value, leading to the reader's language if it fell back."""
    url = getattr(instance, field)
    written_in = field_language_shown(instance, field)
    if not url or written_in is None:
        return url
    return site_link_in_language(url, written_in=written_in, language=get_language())

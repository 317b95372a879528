from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.safestring import SafeString
from modeltranslation.utils import get_language

from campaign.plain_text import plain_text_render
from campaign.richtext import rich_text_render, rich_text_render_for_reader
from core.content_language import (
    content_in_its_language,
    content_language_attrs,
    field_language_shown,
)
from core.english_fallback import interface_language_attrs

register = template.Library()


@register.filter
def on_this_site(address: str) -> str:
    """Return a page's or a file's address as one a link preview can fetch from anywhere.

    A file's may be whole already: with FILE_STORAGE=s3 the images are served from the
    site's own /media/ by their full address.
    """
    return address if urlsplit(address).scheme else f"{settings.SITE_URL}{address}"


@register.filter
def richtext_field(instance, field: str) -> SafeString:
    """Render a translated field's staff-written HTML, sanitized again on the way out; where it
    fell back, its links to the site lead to the reader's language."""
    html = getattr(instance, field)
    written_in = field_language_shown(instance, field)
    if written_in is None:
        return rich_text_render(html)
    return rich_text_render_for_reader(html, written_in=written_in, language=get_language())


@register.filter
def plain_text(text: str) -> SafeString:
    """Render staff's plain text: paragraphs, line breaks, and lines starting "- " as a list."""
    return plain_text_render(text)


@register.filter
def fallback_lang(instance, fields: str) -> SafeString:
    """Mark the element holding a translated field shown in a fallback language: its lang, dir.

    `fields` may name several, comma-separated, for `a|default:b`: the first with a value.
    """
    return content_language_attrs(instance, fields)


@register.filter
def in_its_language(instance, field: str) -> SafeString:
    """Return a translated field's text, in a span marking its language if it fell back."""
    return content_in_its_language(instance, field)


@register.simple_tag
def ui_lang() -> SafeString:
    """Mark a block of interface text `lang="en" dir="ltr"` while it is shown in English."""
    return interface_language_attrs()

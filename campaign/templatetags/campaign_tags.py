from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.safestring import SafeString

from campaign.plain_text import plain_text_render
from campaign.richtext import rich_text_render
from core.english_fallback import content_language_attrs, interface_language_attrs

register = template.Library()


@register.filter
def on_this_site(address: str) -> str:
    """Return a page's or a file's address as one a link preview can fetch from anywhere.

    A file's may be whole already: with FILE_STORAGE=s3 the images are served from the
    site's own /media/ by their full address.
    """
    return address if urlsplit(address).scheme else f"{settings.SITE_URL}{address}"


@register.filter
def richtext(html: str) -> SafeString:
    """Render staff-written HTML, sanitized again on the way out."""
    return rich_text_render(html)


@register.filter
def plain_text(text: str) -> SafeString:
    """Render staff's plain text: paragraphs, line breaks, and lines starting "- " as a list."""
    return plain_text_render(text)


@register.filter
def fallback_lang(instance, field: str) -> SafeString:
    """Mark a translated field shown in English on a page in another language: `lang="en"`."""
    return content_language_attrs(instance, field)


@register.simple_tag
def ui_lang() -> SafeString:
    """Mark a block of interface text `lang="en" dir="ltr"` while it is shown in English."""
    return interface_language_attrs()

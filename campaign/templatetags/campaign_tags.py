from django import template
from django.utils.safestring import SafeString

from campaign.richtext import rich_text_render

register = template.Library()


@register.filter
def richtext(html: str) -> SafeString:
    """Render staff-written HTML, sanitized again on the way out."""
    return rich_text_render(html)

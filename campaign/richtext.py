"""One definition of the rich text staff may write, used by the editor, on save and on render."""

import nh3
from django.utils.safestring import SafeString, mark_safe
from django_prose_editor.config import allowlist_from_extensions, expand_extensions

RICH_TEXT_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "HardBreak": True,
}

_cleaner = nh3.Cleaner(**allowlist_from_extensions(expand_extensions(RICH_TEXT_EXTENSIONS)))


def rich_text_sanitize(html: str) -> str:
    """Return staff-written HTML with nothing but the tags the editor offers."""
    return _cleaner.clean(html or "")


def rich_text_render(html: str) -> SafeString:
    """Sanitize again at render time, so that HTML written around the admin is safe too."""
    return mark_safe(rich_text_sanitize(html))  # noqa: S308 - sanitized by nh3 just above

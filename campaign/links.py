"""Where a call to action may lead: a path of this site, an anchor on the page, or https://.

A Campaign editor's typo must not become a script: `javascript:`, `data:`, plain `http:` and
`//other.example` (another site, with this page's scheme) are refused when saved, and a value
that reached the database another way is never rendered.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def link_is_safe(url: str) -> bool:
    """Return whether `url` is "", "#anchor", "/a/path" or a full https:// address."""
    url = url.strip()
    if not url:
        return True
    if any(char.isspace() or ord(char) < 32 for char in url) or "\\" in url:
        return False
    if url.startswith("#"):
        return True
    if url.startswith("/"):
        return not url.startswith("//")
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.netloc) and not parts.username


def link_validate(url: str) -> None:
    if not link_is_safe(url):
        raise ValidationError(
            _("Use an address on this site, starting with /, or a full https:// address."),
            code="unsafe_link",
        )

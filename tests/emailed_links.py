"""The site's links an email carries, to tell which language's pages they open."""

import re

from django.conf import settings


def site_link_paths(message) -> list[str]:
    """Return the path of every link to the site in the email's text and HTML, in order."""
    parts = [message.body, *(content for content, _mimetype in message.alternatives)]
    site = re.escape(settings.SITE_URL)
    return [path for part in parts for path in re.findall(rf'{site}(/[^\s"<>]*)', part)]


def html_language(message) -> str:
    """Return the language the email's HTML says it is written in (`<html lang>`)."""
    return re.search(r'<html lang="([^"]+)"', message.alternatives[0][0]).group(1)

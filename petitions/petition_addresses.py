"""The slugs a petition may not take: the site's own addresses under /petition/.

A petition lives at /petition/<slug>/, beside the pages every signer's links and forms lead to
(/petition/withdrawn/, /petition/withdrawal-link/, /petition/confirm/<token>/). A petition
whose slug were one of those would never be shown, or would take their place below it
(/petition/confirm/sign/ is a confirmation link). Read from the URL configuration, so that an
address mounted later is refused from the day it is mounted.
"""

import re

from django.urls import URLPattern

# A route's first segment when it is written out whole ("withdrawn/", "confirm/<str:token>/").
_LEADING_SEGMENT = re.compile(r"^(?P<segment>[\w-]+)/")


def petition_slugs_taken_by_site() -> set[str]:
    """Return the first segments the petitions' URLs answer other than with a petition."""
    from petitions.urls import urlpatterns  # the URLs import the views, which import the models

    segments = set()
    for entry in urlpatterns:
        if isinstance(entry, URLPattern):
            match = _LEADING_SEGMENT.match(str(entry.pattern))
            if match is not None:
                segments.add(match["segment"])
    return segments


def petition_slug_taken_by_site(slug: str) -> bool:
    """Return whether a petition at `slug` would be hidden by, or hide, a page of the site's."""
    return slug in petition_slugs_taken_by_site()

"""Counts of signatures by country that never single anyone out.

In a small diaspora, "Turkey: 1" in a letter to the embassy points at a person and their
family. Every count broken down by country, in the letter, the staff dashboard or any page,
goes through `country_counts_merged`: the countries with fewer signatures than
COUNTRY_COUNT_THRESHOLD are merged into "other countries", whose count alone names no one.
"""

from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext
from django_countries import countries

# The key the merged small counts go under (no country has it as a code).
OTHER_COUNTRIES = "other"


def country_counts_merged(
    counts: Iterable[tuple[str, int]], *, threshold: int | None = None
) -> dict[str, int]:
    """Return the counts by country code, largest first, small ones merged under OTHER_COUNTRIES.

    "Other countries" comes last; it is left out when nothing was merged. Merging counts that
    were merged before changes nothing.
    """
    threshold = settings.COUNTRY_COUNT_THRESHOLD if threshold is None else threshold
    kept: dict[str, int] = {}
    other = 0
    for code, count in counts:
        if code == OTHER_COUNTRIES or count < threshold:
            other += count
        else:
            kept[code] = kept.get(code, 0) + count
    merged = dict(sorted(kept.items(), key=lambda item: (-item[1], item[0])))
    if other:
        merged[OTHER_COUNTRIES] = other
    return merged


def country_label(code: str) -> str:
    """Return the name to show for a code of a merged count, in the active language."""
    if code == OTHER_COUNTRIES:
        return gettext("Other countries")
    return str(countries.name(code)) or code

"""A browser's family, coarse enough to name no one: what trends compare instead of the user agent.

The whole user agent (versions, device model, language) can single a person out in a small
diaspora; its family ("Firefox", "a script") is shared by thousands and still shows a surge of
signatures from one tool.
"""

import re

from django.utils.translation import gettext_lazy as _

# In order: the first that matches names the family (Edge and Opera also say "Chrome").
FAMILIES = (
    (
        "script",
        re.compile(r"curl|wget|python|requests|httpx|aiohttp|go-http|java/|okhttp|node", re.I),
    ),
    (
        "robot",
        re.compile(r"bot\b|crawler|spider|headless|phantom|selenium|playwright|puppeteer", re.I),
    ),
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
)
NONE = "none"
OTHER = "other"


def agent_family(user_agent: str) -> str:
    """Return the coarse family of a User-Agent header: "Firefox", "script", "other"…"""
    if not user_agent.strip():
        return NONE
    for family, pattern in FAMILIES:
        if pattern.search(user_agent):
            return family
    return OTHER


# What staff read for the families that are not a browser's own name.
_LABELS = {
    "script": _("script"),
    "robot": _("robot"),
    NONE: _("not given"),
    OTHER: _("other"),
}


def agent_family_label(family: str) -> str:
    """Return a family as staff read it: a browser's name as is, the others translated."""
    return str(_LABELS.get(family, family))

"""A signer's share code: drawn when they sign, carried by the links they share as ?src=….

Whoever signs through such a link is credited to the sharer (Signature.referral_code). A code
that is not one this module draws is ignored, never an error: a broken link must not stop
anyone from signing.
"""

import re
import secrets

from django.http import QueryDict

SHARE_CODE_LENGTH = 16
SHARE_CODE_QUERY_PARAMETER = "src"
# token_urlsafe(6): 8 characters of the URL-safe alphabet, 48 random bits.
_SHARE_CODE = re.compile(rf"[A-Za-z0-9_-]{{1,{SHARE_CODE_LENGTH}}}")


def share_code_draw() -> str:
    """Return a fresh share code (the caller's unique constraint tells a collision)."""
    return secrets.token_urlsafe(6)


def share_code_or_blank(code: str) -> str:
    """Return the code if it can be a share code, else "" (a link cut or tampered with)."""
    return code if _SHARE_CODE.fullmatch(code) else ""


def share_code_from_query(query: QueryDict) -> str:
    """Return the share code a shared link's query carries, or ""."""
    return share_code_or_blank(query.get(SHARE_CODE_QUERY_PARAMETER, ""))

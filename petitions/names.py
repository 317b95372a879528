"""Names signers typed: kept clean, and shown (or greeted by) only when they look like names.

A first name is printed in the confirmation email sent from the campaign's address, and may be
listed publicly or given to the authorities: an attacker who types "Visit http://evil.example"
must not have the campaign say it for them, nor a right-to-left override turn a name around.
"""

import re
import unicodedata

# Letters of any script, with their combining marks, between single spaces, hyphens or
# apostrophes (straight, typographic, or the modifier letter some scripts use).
NAME_SEPARATORS = " -'’ʼ"
NAME_LONGEST = 50
NAME_MOST_WORDS = 5
_SEPARATOR_RUN = re.compile(f"[{re.escape(NAME_SEPARATORS)}]{{2,}}")


def name_clean(text: str) -> str:
    """Return `text` in NFC, without control or format characters, its spaces made single.

    Format characters are the invisible ones (zero-width spaces and joiners, the bidirectional
    overrides and isolates); control characters include line breaks and tabs.
    """
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if unicodedata.category(char) not in {"Cc", "Cf"} or char.isspace()
    )
    return " ".join(text.split())


def name_looks_like_a_name(text: str) -> bool:
    """Return whether a (cleaned) name is only letters, spaces, hyphens and apostrophes.

    No digit, URL, markup or punctuation; at most NAME_MOST_WORDS words and NAME_LONGEST
    characters; it starts and ends with a letter.
    """
    if not text or len(text) > NAME_LONGEST or len(text.split()) > NAME_MOST_WORDS:
        return False
    if _SEPARATOR_RUN.search(text):
        return False
    if not (unicodedata.category(text[0]).startswith("L")):
        return False
    if not unicodedata.category(text[-1]).startswith(("L", "M")):
        return False
    return all(
        unicodedata.category(char).startswith(("L", "M")) or char in NAME_SEPARATORS
        for char in text
    )


def name_for_greeting(first_name: str) -> str:
    """Return the first name to greet a signer by, or "" when it does not look like a name.

    Emails and pages speak in the campaign's voice: they must never say what an attacker typed.
    """
    first_name = name_clean(first_name)
    return first_name if name_looks_like_a_name(first_name) else ""


def names_may_be_said(*, first_name: str, last_name: str) -> bool:
    """Return whether a signer's (cleaned) names may be listed publicly or given to the
    authorities: both look like names (an empty last name is no objection)."""
    return name_looks_like_a_name(first_name) and (
        not last_name or name_looks_like_a_name(last_name)
    )

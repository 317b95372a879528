"""The languages the site serves now, and the one it writes to a person in.

The site keeps content in more languages (MODELTRANSLATION_LANGUAGES) than it serves
(LANGUAGES): a campaign switches a language off (Uyghur, ENABLE_UYGHUR) when it cannot stand
behind its translation. Whoever chose that language before still gets email: written in it,
such an email would carry the words the campaign withdrew, and links whose prefix only
redirects (core/language_prefix.py). So every email to a person, signer or staff, is written
in the language `email_language` picks, and its links carry that same language.
"""

from django.conf import settings


def language_is_served(language: str | None) -> bool:
    """Return whether the site serves `language` now (its pages, its emails)."""
    return bool(language) and language in dict(settings.LANGUAGES)


def email_language(*, person_language: str | None) -> str:
    """Return the language to write to a person in: theirs if the site serves it, else the
    site's default language (French).

    Batches group their emails by what this returns (core/email_merge.py), so the signers of
    every language switched off share the default language's rendering.
    """
    if language_is_served(person_language):
        return str(person_language)
    return settings.LANGUAGE_CODE

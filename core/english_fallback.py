"""English, not French, for whatever a third language (Uyghur) has not translated yet.

Django falls back from any language to LANGUAGE_CODE (French) for a message its catalogue
lacks, so /ug/ mixed three languages: content fell back to English (modeltranslation), the
interface to French, and Django's own messages were Uyghur. Here every language but French
falls back to English, the site's source language, and the text shown in English is marked
`lang="en" dir="ltr"` so that a right-to-left page does not flip its punctuation.

This overrides Django's private choice of fallback (DjangoTranslation._add_fallback):
tests/core/test_english_fallback.py fails if Django changes under it.
"""

import functools
import gettext
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import trans_real

SOURCE_LANGUAGE = "en"
ENGLISH_ATTRS = mark_safe(' lang="en" dir="ltr"')


def _needs_english_fallback(language: str) -> bool:
    return language != settings.LANGUAGE_CODE and not language.startswith(SOURCE_LANGUAGE)


def _translation_with_english_fallback(language: str):
    found = _django_translation(language)
    if _needs_english_fallback(language):
        english = _django_translation(SOURCE_LANGUAGE)
        if getattr(found, "_fallback", None) is not english:
            found._fallback = None  # type: ignore[attr-defined]
            found.add_fallback(english)
    return found


_django_translation = trans_real.translation


def english_fallback_install() -> None:
    """Make every translation object Django builds fall back to English (once, at start)."""
    trans_real.translation = _translation_with_english_fallback


def _our_catalogues(language: str) -> list[Path]:
    folders = [Path(path) for path in settings.LOCALE_PATHS]
    folders += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
    ]
    return [
        folder / language / "LC_MESSAGES" / "django.mo"
        for folder in folders
        if (folder / settings.LANGUAGE_CODE / "LC_MESSAGES" / "django.mo").exists()
    ]


@functools.cache
def interface_translated(language: str) -> bool:
    """Return whether our catalogues in `language` translate every message French does."""
    if not _needs_english_fallback(language):
        return True
    for french_path, path in zip(
        _our_catalogues(settings.LANGUAGE_CODE), _our_catalogues(language), strict=True
    ):
        if not path.exists():
            return False
        with french_path.open("rb") as french_file, path.open("rb") as file:
            french, other = gettext.GNUTranslations(french_file), gettext.GNUTranslations(file)
        if set(french._catalog) - set(other._catalog):  # type: ignore[attr-defined]
            return False
    return True


def interface_language_attrs() -> SafeString:
    """Return ` lang="en" dir="ltr"` for a block of interface text shown in English."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return SafeString("") if interface_translated(language) else ENGLISH_ATTRS


def content_language_attrs(instance, field: str) -> SafeString:
    """Return the lang and dir of a translated field as shown: English where it fell back."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if not _needs_english_fallback(language) or getattr(instance, f"{field}_{language}", None):
        return SafeString("")
    return ENGLISH_ATTRS

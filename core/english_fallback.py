"""English, not French, for whatever a third language (Uyghur) has not translated yet.

Django falls back from any language to LANGUAGE_CODE (French) for a message its catalogue
lacks, so /ug/ mixed three languages: content fell back to English (modeltranslation), the
interface to French, and Django's own messages were Uyghur. Here every language but French
falls back to English, the site's source language, and the interface shown in English is
marked `lang="en" dir="ltr"` so that a right-to-left page does not flip its punctuation (content
that fell back to another language is marked by core/content_language.py).

Until our interface is translated in full into a language, its interface blocks are marked
English, so Django's own messages in that language (its catalogues translate a few of our
labels, and its form errors) are left out too: such a page's interface is English throughout.

This overrides Django's private choice of fallback (DjangoTranslation._add_fallback) and reads
its private merged catalogue (TranslationCatalog._catalogs): tests/core/test_english_fallback.py
fails if Django changes under it.
"""

import functools
import gettext
import sys
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
            if not interface_translated(language):
                _only_our_messages(found, language)
            found._fallback = None  # type: ignore[attr-defined]
            found.add_fallback(english)
    return found


def _only_our_messages(found, language: str) -> None:
    """Keep, of a language our interface does not translate in full yet, only our messages.

    Its blocks of interface are then marked English, and should be English through and
    through: Django's own catalogues translated some of our labels ("Email") and its form
    errors into Uyghur, which a screen reader then spoke with an English voice.
    """
    ours: set = {""}  # the header, which says how plurals are formed
    for path in _our_catalogues(language):
        if path.exists():
            with path.open("rb") as file:
                ours.update(gettext.GNUTranslations(file)._catalog)  # type: ignore[attr-defined]
    for catalog in found._catalog._catalogs:
        for key in [key for key in catalog if key not in ours]:
            del catalog[key]


_django_translation = trans_real.translation


def english_fallback_install() -> None:
    """Make every translation object Django builds fall back to English (once, at start)."""
    trans_real.translation = _translation_with_english_fallback


def _our_catalogues(language: str) -> list[Path]:
    folders = [Path(path) for path in settings.LOCALE_PATHS]
    # The apps of this repository: not the libraries, whose environment may live inside it too
    # (`.venv`), and whose Uyghur catalogues are Django's, not ours.
    installed = Path(sys.prefix).resolve()
    folders += [
        Path(config.path) / "locale"
        for config in apps.get_app_configs()
        if Path(config.path).is_relative_to(settings.BASE_DIR)
        and not Path(config.path).resolve().is_relative_to(installed)
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
